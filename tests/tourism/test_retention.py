"""The tourism desk forgets visitors as the consent promises: contacts a year after the tour
(the payer's address on the payment too), groups likewise, the waiting list once the tour has
started; references, parties, money and refunds stay and still agree."""

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from payments.models import Payment, Refund
from tourism import services
from tourism.models import Booking, GroupRequest, Slot, WaitingListEntry

from .conftest import book, pay

pytestmark = pytest.mark.usefixtures("checkout")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def move(slot, starts_at):
    Slot.objects.filter(pk=slot.pk).update(starts_at=starts_at)


def refunds_of(payment):
    return Refund.objects.filter(payment=payment).aggregate(total=Sum("amount_minor"))["total"]


def test_a_years_old_booking_loses_its_visitor_but_keeps_its_money_and_refund(
    make_slot, settings, django_capture_on_commit_callbacks
):
    settings.TOURISM_KEEP_PERSONAL_DATA_DAYS = 365
    past, recent = make_slot(), make_slot()
    old = pay(book(past, adults=2, email="old@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(old)
    kept = pay(book(recent, adults=1, email="kept@example.org"))
    move(past, days_ago(366))
    move(recent, days_ago(364))
    old.refresh_from_db()
    money_before = (old.reference, old.amount_minor, old.refunded_minor, old.status, old.places)

    result = services.forget_past_visitors()

    assert result["bookings"] == 1
    old.refresh_from_db()
    assert (old.name, old.email, old.phone, old.held_by) == ("—", "", "", "")
    assert (old.reference, old.amount_minor, old.refunded_minor, old.status, old.places) == (
        money_before
    )
    payment = Payment.objects.get(pk=old.payment_id)
    assert payment.customer_email == ""
    # The refund and its booking still agree.
    assert old.refunded_minor == payment.refunded_minor == refunds_of(payment) > 0
    kept.refresh_from_db()
    assert kept.email == "kept@example.org"
    assert Payment.objects.get(pk=kept.payment_id).customer_email == "kept@example.org"
    assert services.forget_past_visitors()["bookings"] == 0  # once is enough


def group(organisation, email, created_days_ago, booking=None):
    request, _created = services.request_group_visit(
        organisation=organisation,
        contact_name="Т. Иванова",
        email=email,
        phone="+7 900 000-00-00",
        notes="Two pupils use wheelchairs",
        group_size=12,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[timezone.localdate()],
    )
    GroupRequest.objects.filter(pk=request.pk).update(
        created_at=days_ago(created_days_ago), booking=booking
    )
    return request


def test_group_requests_are_forgotten_a_year_after_their_tour_or_their_request(make_slot, settings):
    settings.TOURISM_KEEP_PERSONAL_DATA_DAYS = 365
    past, coming = make_slot(), make_slot()
    visited = group("School 1", "one@example.org", 500, booking=book(past, adults=2))
    booked_ahead = group("School 2", "two@example.org", 500, booking=book(coming, adults=2))
    never_booked = group("School 3", "three@example.org", 400)
    new = group("School 4", "four@example.org", 10)
    move(past, days_ago(366))

    assert services.forget_past_visitors()["groups"] == 2

    forgotten = GroupRequest.objects.get(pk=visited.pk)
    assert (forgotten.contact_name, forgotten.email, forgotten.phone, forgotten.notes) == (
        "—",
        "",
        "",
        "",
    )
    assert (forgotten.organisation, forgotten.group_size) == ("School 1", 12)
    assert GroupRequest.objects.get(pk=never_booked.pk).email == ""
    assert GroupRequest.objects.get(pk=booked_ahead.pk).email == "two@example.org"
    assert GroupRequest.objects.get(pk=new.pk).email == "four@example.org"


def test_the_waiting_list_is_forgotten_once_the_tour_has_started(make_slot):
    started, coming = make_slot(), make_slot()
    for slot, email in ((started, "gone@example.org"), (coming, "waits@example.org")):
        WaitingListEntry.objects.create(
            slot=slot, name="W", email=email, language="ru", adults=1, places=1
        )
    move(started, days_ago(0) - datetime.timedelta(minutes=5))

    assert services.forget_past_visitors()["waiting"] == 1

    assert list(WaitingListEntry.objects.values_list("email", flat=True)) == ["waits@example.org"]
    assert Booking.objects.count() == 0
