"""E-mails to visitors and the desk, sent after the change they report is committed; and the
sweeper that hands lapsed holds on. Run at once in the embedded mode, by the database worker
in production (TASKS_BACKEND=database), where a transient SMTP failure is retried later
(cms.taskqueue.email_task).
"""

from django_tasks import task

from cms.taskqueue import email_task
from tourism import emails
from tourism.models import Booking, GroupRequest, WaitingListEntry


def _booking(pk):
    return Booking.objects.select_related("slot__tour", "payment").get(pk=pk)


@email_task()
def send_confirmation(booking_pk):
    emails.send_confirmation(_booking(booking_pk))


@email_task()
def send_late_payment_refunded(booking_pk):
    emails.send_late_payment_refunded(_booking(booking_pk))


@email_task()
def send_cancellation(booking_pk):
    emails.send_cancellation(_booking(booking_pk))


@email_task()
def send_slot_cancelled(booking_pk):
    emails.send_slot_cancelled(_booking(booking_pk))


@email_task()
def send_refund_cancelled(booking_pk):
    emails.send_refund_cancelled(_booking(booking_pk))


@email_task()
def send_partial_refund(booking_pk, amount_minor):
    emails.send_partial_refund(_booking(booking_pk), amount_minor)


@email_task()
def send_cancelled_by_desk(booking_pk, reason, refunded_minor):
    emails.send_cancelled_by_desk(_booking(booking_pk), reason, refunded_minor)


@email_task()
def send_slot_moved(booking_pk, old_starts_at):
    emails.send_slot_moved(_booking(booking_pk), old_starts_at)


@email_task()
def send_hold_moved(booking_pk, old_starts_at):
    emails.send_hold_moved(_booking(booking_pk), old_starts_at)


@email_task()
def send_hold_cancelled(booking_pk):
    emails.send_hold_cancelled(_booking(booking_pk))


def _entry(pk):
    return WaitingListEntry.objects.select_related("slot__tour").filter(pk=pk).first()


@email_task()
def send_waiting_list_moved(entry_pk, old_starts_at):
    entry = _entry(entry_pk)
    if entry is not None:
        emails.send_waiting_list_moved(entry, old_starts_at)


@email_task()
def send_waiting_list_cancelled(entry_pk):
    entry = _entry(entry_pk)
    if entry is not None:
        emails.send_waiting_list_cancelled(entry)


@email_task()
def send_waiting_list_offer(booking_pk):
    emails.send_waiting_list_offer(_booking(booking_pk))


@email_task()
def send_waiting_list_joined(entry_pk):
    entry = _entry(entry_pk)
    if entry is not None:  # left the list before the message went
        emails.send_waiting_list_joined(entry)


@email_task()
def send_group_approved(booking_pk):
    emails.send_group_approved(_booking(booking_pk))


@email_task()
def send_group_request_to_desk(group_request_pk):
    emails.send_group_request_to_desk(GroupRequest.objects.get(pk=group_request_pk))


@email_task()
def send_group_declined(group_request_pk):
    emails.send_group_declined(GroupRequest.objects.get(pk=group_request_pk))


@task()
def sweep_holds():
    from tourism.services import expire_holds

    return expire_holds()
