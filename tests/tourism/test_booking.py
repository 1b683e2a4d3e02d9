"""Holding places, paying through the test checkout, and the confirmation e-mail."""

import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from payments.models import Payment
from tourism import services
from tourism.models import Booking, Slot
from tourism.services import BookingError, Party

from .conftest import book, contact, open_checkout, pay

pytestmark = pytest.mark.usefixtures("checkout")


def test_a_paid_booking_is_confirmed_and_mailed_in_the_visitors_language(
    slot, django_capture_on_commit_callbacks
):
    booking = book(slot, adults=2, children=1, language="en")
    assert booking.status == Booking.Status.HELD
    assert booking.amount_minor == (2 * 500 + 250) * 100
    with django_capture_on_commit_callbacks(execute=True):
        booking = pay(booking)

    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment.status == Payment.Status.PAID
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert booking.reference in message.subject
    assert "Your tour is booked" in message.subject
    assert "The Leopard Trail" in message.body
    manage_link = "https://leopard.example" + services.manage_path(booking, "en")
    assert manage_link in message.body
    assert manage_link.startswith("https://leopard.example/en/tours/booking/")
    [(filename, ics, mimetype), (ticket_name, _png, ticket_type)] = message.attachments
    assert (ticket_name, ticket_type) == (f"{booking.reference}-ticket.png", "image/png")
    assert filename == f"{booking.reference}.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics and "\r\n" in ics
    assert f"UID:booking-{booking.reference}@leopard-portal" in ics
    start = slot.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in ics


def test_the_checkout_expires_with_the_hold(slot):
    booking = book(slot)
    session = open_checkout(booking)
    assert booking.payment.expires_at >= booking.hold_expires_at
    assert booking.hold_expires_at - booking.created_at <= datetime.timedelta(minutes=31)
    assert session.expires_at == booking.payment.expires_at


def test_a_fresh_hold_opens_its_checkout_as_it_is(slot):
    booking = book(slot)
    held_until = booking.hold_expires_at
    open_checkout(booking)
    booking.refresh_from_db()
    assert booking.hold_expires_at == held_until
    assert booking.payment.expires_at >= held_until


def test_a_short_hold_is_extended_to_the_checkouts_30_minutes_when_paying(slot):
    booking = book(slot)
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=10)
    )
    before = timezone.now()
    open_checkout(booking)
    booking.refresh_from_db()
    assert booking.hold_expires_at >= before + datetime.timedelta(minutes=30)
    assert booking.payment.expires_at >= booking.hold_expires_at


def test_a_lapsed_hold_cannot_be_paid(slot):
    booking = book(slot)
    Booking.objects.filter(pk=booking.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(BookingError) as refused:
        open_checkout(booking)
    assert refused.value.code == "not_held"
    assert not Payment.objects.exists()


def test_an_expired_hold_frees_its_places_at_once(slot):
    first = book(slot, adults=8)
    with pytest.raises(BookingError) as full:
        book(slot, adults=3, email="late@example.org")
    assert full.value.code == "not_enough"

    Booking.objects.filter(pk=first.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    later = book(slot, adults=3, email="late@example.org")
    assert later.status == Booking.Status.HELD
    assert services.places_taken(slot) == 3
    # The sweeper marks it expired (availability never waited for it).
    assert services.expire_holds()["expired_holds"] == 1
    first.refresh_from_db()
    assert first.status == Booking.Status.EXPIRED


def test_cancelling_the_checkout_releases_the_hold(slot, django_capture_on_commit_callbacks):
    from payments import local_checkout

    booking = book(slot, adults=4)
    session = open_checkout(booking)
    local_checkout.expire(session.session_id)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.EXPIRED
    assert services.places_taken(slot) == 0


def test_a_free_party_is_confirmed_without_payment(make_slot, django_capture_on_commit_callbacks):
    slot = make_slot(price_adult=0, price_child=0, price_pupil=0)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(slot, adults=2)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("party", "code"),
    [
        (Party(), "party_empty"),
        (Party(adults=9), "party_large"),
        (Party(children=2), "no_adult"),
        (Party(adults=-1, children=3), "party"),
    ],
)
def test_a_party_outside_the_limits_takes_nothing(slot, party, code):
    with pytest.raises(BookingError) as refused:
        services.hold_places(slot.pk, party, contact())
    assert refused.value.code == code
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": Slot.Status.CLOSED}, "closed"),
        ({"status": Slot.Status.CANCELLED}, "cancelled"),
        ({"starts_at_delta": datetime.timedelta(hours=-1)}, "past"),
        ({"starts_at_delta": datetime.timedelta(hours=1)}, "too_late"),
        ({"starts_at_delta": datetime.timedelta(days=90)}, "not_open"),
    ],
)
def test_a_slot_that_cannot_be_booked_takes_nothing(make_slot, fields, code):
    delta = fields.pop("starts_at_delta", None)
    if delta is not None:
        fields["starts_at"] = timezone.now() + delta
    slot = make_slot(**fields)
    with pytest.raises(BookingError) as refused:
        book(slot)
    assert refused.value.code == code
    assert not Booking.objects.exists()


def test_children_under_the_minimum_age_are_refused(make_slot, tour):
    tour.minimum_age = 5
    tour.save_revision().publish()
    slot = make_slot(free_under_age=5)
    with pytest.raises(BookingError) as refused:
        services.hold_places(slot.pk, Party(adults=1, infants=1), contact())
    assert refused.value.code == "too_young"


# --- The booking form -----------------------------------------------------------------------


def form_data(**overrides):
    return {
        "adults": "2",
        "children": "0",
        "pupils": "0",
        "infants": "0",
        "name": "Анна",
        "email": "anna@example.org",
        "phone": "",
        "consent": "on",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def book_url(slot, language="ru"):
    with translation.override(language):
        return reverse("tourism:book", args=[slot.pk])


def test_the_form_sends_the_visitor_to_the_test_checkout(client, slot):
    response = client.post(book_url(slot), form_data())
    assert response.status_code == 302
    assert "/ru/payments/test-checkout/cs_test_local_" in response["Location"]
    booking = Booking.objects.get()
    assert booking.language == "ru"
    assert booking.consent_at is not None


def test_a_double_submitted_form_makes_one_booking_and_one_payment(client, slot):
    data = form_data()
    first = client.post(book_url(slot), data)
    second = client.post(book_url(slot), data)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1
    assert Payment.objects.count() == 1
    assert services.places_taken(slot) == 2


@pytest.mark.parametrize(
    ("language", "overrides", "status", "text"),
    [
        ("ru", {"adults": "9"}, 400, "Онлайн-бронирование"),
        ("en", {"adults": "0"}, 400, "Choose at least one person."),
        ("en", {"adults": "abc"}, 400, "Enter a whole number."),
        ("en", {"consent": ""}, 400, "This field is required."),
        ("zh-hans", {"adults": "0"}, 400, "请至少选择一人"),
    ],
)
def test_bad_input_is_explained_in_the_visitors_language(
    client, slot, language, overrides, status, text
):
    response = client.post(book_url(slot, language), form_data(**overrides))
    assert response.status_code == status
    assert text in response.content.decode()
    assert not Booking.objects.exists()


def test_a_full_slot_answers_409_and_offers_the_waiting_list(client, slot):
    book(slot, adults=8)
    book(slot, adults=2, email="b@example.org")
    response = client.post(book_url(slot, "en"), form_data())
    assert response.status_code == 409
    assert "fully booked" in response.content.decode()
    assert Booking.objects.count() == 2
    page = client.get(book_url(slot, "en")).content.decode()
    assert reverse("tourism:waiting_list", args=[slot.pk]) in page


def test_a_past_or_cancelled_slot_answers_409_in_russian(client, make_slot):
    slot = make_slot(status=Slot.Status.CANCELLED)
    response = client.post(book_url(slot), form_data())
    assert response.status_code == 409
    assert "отменена" in response.content.decode()
    assert not Booking.objects.exists()


def test_without_a_payment_provider_nothing_is_held(client, slot, settings):
    settings.DEBUG = False
    response = client.post(book_url(slot, "en"), form_data())
    assert response.status_code == 503
    assert "Online payment is not available" in response.content.decode()
    assert not Booking.objects.exists()


def test_an_unknown_slot_is_404(client, db):
    assert client.get("/ru/tours/dates/999999/book/").status_code == 404
