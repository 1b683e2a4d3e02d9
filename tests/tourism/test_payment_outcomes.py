"""Late payments, cancellations under the refund policy, and a date cancelled by the park."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

import payments
from payments import local_checkout
from payments.models import Payment
from payments.registry import Outcome
from tourism import services
from tourism.models import Booking, Slot, WaitingListEntry
from tourism.services import BookingError

from .conftest import book, open_checkout, pay

pytestmark = pytest.mark.usefixtures("checkout")


def lapse(booking):
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def test_a_late_payment_is_confirmed_when_places_remain(slot, django_capture_on_commit_callbacks):
    booking = book(slot, adults=3)
    session = open_checkout(booking)
    lapse(booking)
    services.expire_holds()
    with django_capture_on_commit_callbacks(execute=True):
        local_checkout.complete(session.session_id)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert services.places_taken(slot) == 3
    assert [m.subject for m in mail.outbox if booking.reference in m.subject]


def test_a_late_payment_is_refunded_when_the_places_are_gone(
    slot, django_capture_on_commit_callbacks
):
    booking = book(slot, adults=6)
    session = open_checkout(booking)
    lapse(booking)
    others = book(slot, adults=6, email="other@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        local_checkout.complete(session.session_id)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REFUSED
    payment = Payment.objects.get(pk=booking.payment_id)
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunded_minor == booking.amount_minor
    assert booking.refunded_minor == booking.amount_minor
    assert services.places_taken(slot) == others.places
    [told] = [m for m in mail.outbox if m.to == ["anna@example.org"]]
    assert "возвращ" in told.subject.lower() or "refunded" in told.subject.lower()


def test_a_repeated_payment_event_confirms_once(slot, django_capture_on_commit_callbacks):
    from payments.services import process_event

    booking = book(slot, adults=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking = pay(booking)
    session = booking.payment.test_session
    event = {
        "id": "evt_again",
        "type": "checkout.session.completed",
        "data": {"object": local_checkout.session_object(session)},
    }
    process_event(event, "test")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert len([m for m in mail.outbox if booking.reference in m.subject]) == 1


def test_cancelling_48_hours_ahead_refunds_in_full(slot, django_capture_on_commit_callbacks):
    booking = pay(book(slot, adults=2))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.cancel_booking(booking)
    assert result.refunded_minor == booking.amount_minor
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.refunded_minor == booking.amount_minor
    assert Payment.objects.get(pk=booking.payment_id).status == Payment.Status.REFUNDED
    assert services.places_taken(slot) == 0
    assert any("cancel" in m.subject.lower() or "отмен" in m.subject.lower() for m in mail.outbox)


def test_cancelling_later_refunds_nothing_but_frees_the_places(make_slot):
    slot = make_slot(starts_at=timezone.now() + datetime.timedelta(hours=30))
    booking = pay(book(slot, adults=2))
    result = services.cancel_booking(booking)
    assert result.refunded_minor == 0
    assert Payment.objects.get(pk=booking.payment_id).status == Payment.Status.PAID
    assert services.places_taken(slot) == 0


def test_the_refund_policy_is_configurable(make_slot, settings):
    settings.TOURISM_REFUND_POLICY = [(72, 100), (24, 50)]
    slot = make_slot(starts_at=timezone.now() + datetime.timedelta(hours=30))
    booking = pay(book(slot, adults=2))
    assert services.refund_for_cancellation(booking) == booking.amount_minor // 2
    assert services.cancel_booking(booking).refunded_minor == booking.amount_minor // 2


def test_cancelling_twice_refunds_once(slot):
    booking = pay(book(slot, adults=1))
    services.cancel_booking(booking)
    again = services.cancel_booking(booking)
    assert again.already and again.refunded_minor == 0
    assert Payment.objects.get(pk=booking.payment_id).refunded_minor == booking.amount_minor


def test_a_held_booking_cannot_be_cancelled_through_the_policy(slot):
    with pytest.raises(BookingError):
        services.cancel_booking(book(slot))


def test_the_park_cancels_a_date_refunds_and_tells_every_booker(
    slot, django_capture_on_commit_callbacks
):
    paid = [pay(book(slot, adults=2, email=f"v{i}@example.org")) for i in range(3)]
    held = book(slot, adults=1, email="held@example.org")
    WaitingListEntry.objects.create(
        slot=slot, name="W", email="w@example.org", language="en", adults=1, places=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        _slot, bookings = services.cancel_slot(slot, reason="Storm warning")
    assert len(bookings) == 4
    slot.refresh_from_db()
    assert slot.status == Slot.Status.CANCELLED
    for booking in paid:
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert Payment.objects.get(pk=booking.payment_id).status == Payment.Status.REFUNDED
    told = sorted(m.to[0] for m in mail.outbox if "Storm warning" in m.body)
    # The holder mid-payment and the waiting party are told as well (nothing owed).
    assert told == [
        "held@example.org",
        "v0@example.org",
        "v1@example.org",
        "v2@example.org",
        "w@example.org",
    ]
    held.refresh_from_db()
    assert held.status == Booking.Status.CANCELLED
    assert WaitingListEntry.objects.get().status == WaitingListEntry.Status.CLOSED
    # A payment for the released hold that still arrives is refunded, never confirmed.
    session = open_checkout_after_cancel(held)
    assert session is None
    assert services.cancel_slot(slot)[1] == []


def open_checkout_after_cancel(booking):
    try:
        return open_checkout(booking)
    except BookingError:
        return None


def test_a_refund_that_fails_is_no_longer_counted_on_the_booking(slot):
    booking = book(slot, adults=2)
    pay(booking)
    services.cancel_booking(booking)
    booking.refresh_from_db()
    assert booking.refunded_minor == booking.amount_minor
    payment = Payment.objects.get(pk=booking.payment_id)
    outcome = Outcome(
        kind=payments.REFUND_FAILED,
        amount_minor=booking.amount_minor,
        currency=payment.currency,
        refunded_total_minor=0,
        event_id="evt_refund_failed",
        reference=str(payment.reference),
    )
    services.on_booking_payment(payment, outcome)
    booking.refresh_from_db()
    assert booking.refunded_minor == 0
