"""Messages to visitors, each in the language they booked in, and to the desk."""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from payments.money import format_amount
from tourism import conf, ics, tickets
from tourism.services import manage_token, manage_url, waiting_list_token


def booking_context(booking):
    slot = booking.slot
    with translation.override(booking.language):
        tour_title = slot.tour.title
        meeting_point = slot.tour.meeting_point
    return {
        "booking": booking,
        "slot": slot,
        "tour_title": tour_title,
        "meeting_point": meeting_point,
        "starts_at": timezone.localtime(slot.starts_at),
        "manage_url": manage_url(booking),
        "amount": format_amount(booking.amount_minor, booking.currency, booking.language),
        "refunded": format_amount(booking.refunded_minor, booking.currency, booking.language),
        "hold_expires_at": timezone.localtime(booking.hold_expires_at)
        if booking.hold_expires_at
        else None,
        "site_url": conf.site_url(),
    }


def render(template, context, language):
    with translation.override(language):
        subject = render_to_string(f"tourism/email/{template}_subject.txt", context)
        body = render_to_string(f"tourism/email/{template}.txt", context)
    return " ".join(subject.split()), body


def calendar_file(booking):
    """The booking as an .ics event, in the visitor's language."""
    slot = booking.slot
    context = booking_context(booking)
    with translation.override(booking.language):
        calendar_path = reverse("tourism:booking_ics", args=[manage_token(booking)])
        return ics.booking_calendar(
            uid=f"booking-{booking.reference}@leopard-portal",
            start=slot.starts_at,
            end=slot.ends_at,
            summary=context["tour_title"],
            description=f"{booking.reference} · {context['manage_url']}",
            location=context["meeting_point"],
            url=conf.site_url() + calendar_path,
            language=booking.language,
            cancelled=booking.status != booking.Status.CONFIRMED,
            now=timezone.now(),
        )


def _send(template, booking, *, attach_calendar=False, attach_ticket=False, **extra):
    context = {**booking_context(booking), **extra}
    subject, body = render(template, context, booking.language)
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [booking.email], reply_to=[conf.desk_email()]
    )
    if attach_calendar:
        message.attach(f"{booking.reference}.ics", calendar_file(booking), "text/calendar")
    if attach_ticket:
        # An attached PNG, not a data: URI or a remote image: mail clients block those.
        message.attach(f"{booking.reference}-ticket.png", tickets.qr_png(booking), "image/png")
    message.send()


def send_confirmation(booking):
    _send("confirmation", booking, attach_calendar=True, attach_ticket=True)


def send_refund_cancelled(booking):
    _send("refund_cancelled", booking, attach_calendar=True)


def send_partial_refund(booking, amount_minor):
    _send(
        "partial_refund",
        booking,
        refund=format_amount(amount_minor, booking.currency, booking.language),
    )


def send_cancelled_by_desk(booking, reason, refunded_minor):
    _send(
        "cancelled_by_desk",
        booking,
        attach_calendar=True,
        reason=reason,
        refund=format_amount(refunded_minor, booking.currency, booking.language)
        if refunded_minor
        else "",
    )


def send_slot_moved(booking, old_starts_at):
    _send(
        "slot_moved",
        booking,
        attach_calendar=True,
        old_starts_at=timezone.localtime(datetime.datetime.fromisoformat(old_starts_at)),
    )


def send_hold_moved(booking, old_starts_at):
    _send(
        "hold_moved",
        booking,
        old_starts_at=timezone.localtime(datetime.datetime.fromisoformat(old_starts_at)),
    )


def send_hold_cancelled(booking):
    _send("hold_cancelled", booking)


def send_late_payment_refunded(booking):
    _send("late_payment_refunded", booking)


def send_cancellation(booking):
    _send("cancellation", booking, attach_calendar=True)


def send_slot_cancelled(booking):
    _send("slot_cancelled", booking, attach_calendar=True)


def send_waiting_list_offer(booking):
    _send("waiting_list_offer", booking)


def _send_to_waiting(template, entry, **extra):
    slot = entry.slot
    with translation.override(entry.language):
        tour_title = slot.tour.title
        leave_path = reverse("tourism:waiting_list_leave", args=[waiting_list_token(entry)])
    context = {
        "entry": entry,
        "slot": slot,
        "tour_title": tour_title,
        "starts_at": timezone.localtime(slot.starts_at),
        "leave_url": conf.site_url() + leave_path,
        "site_url": conf.site_url(),
        **extra,
    }
    subject, body = render(template, context, entry.language)
    EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [entry.email], reply_to=[conf.desk_email()]
    ).send()


def send_waiting_list_joined(entry):
    _send_to_waiting("waiting_list_joined", entry)


def send_waiting_list_moved(entry, old_starts_at):
    _send_to_waiting(
        "waiting_list_moved",
        entry,
        old_starts_at=timezone.localtime(datetime.datetime.fromisoformat(old_starts_at)),
    )


def send_waiting_list_cancelled(entry):
    _send_to_waiting("waiting_list_cancelled", entry)


def send_group_approved(booking):
    _send("group_approved", booking, attach_calendar=True)


def send_group_declined(group_request):
    context = {"request": group_request}
    subject, body = render("group_declined", context, group_request.contact_language)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [group_request.email],
        reply_to=[conf.desk_email()],
    ).send()


def send_group_request_to_desk(group_request):
    # The desk works in the site's default language.
    admin_path = reverse("tourism_desk:groups")
    context = {
        "request": group_request,
        "admin_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + admin_path,
    }
    subject, body = render("group_request_desk", context, settings.LANGUAGE_CODE)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [conf.desk_email()],
        reply_to=[group_request.email],
    ).send()
