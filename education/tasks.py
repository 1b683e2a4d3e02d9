"""E-mails about class visit requests, sent after the request is committed.

Run at once in the embedded mode; by the database worker in production (TASKS_BACKEND).
"""

from cms.taskqueue import email_task
from education import emails
from education.models import ClassVisitRequest


@email_task()
def confirm_class_visit_to_teacher(visit_pk):
    emails.send_teacher_confirmation(ClassVisitRequest.objects.get(pk=visit_pk))


@email_task()
def notify_staff_of_class_visit(visit_pk):
    emails.send_staff_notification(ClassVisitRequest.objects.get(pk=visit_pk))
