"""The messages a class visit request sends: to the teacher in their language, to staff."""

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from education import conf


def _render(template, visit, language):
    with translation.override(language):
        subject = render_to_string(f"education/email/{template}_subject.txt", {"visit": visit})
        body = render_to_string(
            f"education/email/{template}.txt",
            {"visit": visit, "admin_url": _admin_url(visit)},
        )
    return " ".join(subject.split()), body


def _admin_url(visit):
    path = reverse("wagtailsnippets_education_classvisitrequest:edit", args=[visit.pk])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_teacher_confirmation(visit):
    subject, body = _render("teacher_confirmation", visit, visit.contact_language)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [visit.email])


def send_staff_notification(visit):
    # The education desk works in the site's default language.
    subject, body = _render("staff_notification", visit, settings.LANGUAGE_CODE)
    EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [conf.staff_email()], reply_to=[visit.email]
    ).send()
