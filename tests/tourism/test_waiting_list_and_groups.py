"""The waiting list's hand-over, and group visits approved by the desk."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from tourism import services
from tourism.models import Booking, GroupRequest, WaitingListEntry
from tourism.services import BookingError, Party

from .conftest import book, contact, pay

pytestmark = pytest.mark.usefixtures("checkout")


def test_freed_places_go_to_the_next_people_who_fit(slot, django_capture_on_commit_callbacks):
    confirmed = pay(book(slot, adults=8))
    book(slot, adults=2, email="second@example.org")
    first = services.join_waiting_list(
        slot.pk, Party(adults=4), contact("Big", "big@example.org", "en")
    )
    small = services.join_waiting_list(
        slot.pk, Party(adults=3), contact("Small", "small@example.org", "zh-hans")
    )
    assert first.status == small.status == WaitingListEntry.Status.WAITING

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(confirmed)
    first.refresh_from_db()
    small.refresh_from_db()
    assert first.status == WaitingListEntry.Status.OFFERED
    assert small.status == WaitingListEntry.Status.OFFERED  # 8 freed: 4 + 3 fit
    offer = first.offer
    assert offer.status == Booking.Status.HELD
    assert offer.source == Booking.Source.WAITING_LIST
    assert offer.hold_expires_at - timezone.now() > datetime.timedelta(hours=11)
    offers = {
        m.to[0]: m for m in mail.outbox if m.to[0] in ("big@example.org", "small@example.org")
    }
    assert set(offers) == {"big@example.org", "small@example.org"}
    assert services.manage_path(offer, "en") in offers["big@example.org"].body

    # The offer is paid through its link like any hold.
    paid = pay(offer)
    assert paid.status == Booking.Status.CONFIRMED
    first.refresh_from_db()
    assert first.status == WaitingListEntry.Status.BOOKED


def test_an_offer_that_lapses_passes_to_the_next_person(slot):
    book(slot, adults=8)
    gone = book(slot, adults=2, email="gone@example.org")
    first = services.join_waiting_list(slot.pk, Party(adults=2), contact(email="a@example.org"))
    second = services.join_waiting_list(slot.pk, Party(adults=2), contact(email="b@example.org"))
    Booking.objects.filter(pk=gone.pk).update(hold_expires_at=timezone.now())
    services.expire_holds()
    first.refresh_from_db()
    assert first.status == WaitingListEntry.Status.OFFERED
    Booking.objects.filter(pk=first.offer_id).update(hold_expires_at=timezone.now())
    services.expire_holds()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingListEntry.Status.LAPSED
    assert second.status == WaitingListEntry.Status.OFFERED
    assert services.places_taken(slot) == 10


def test_a_group_request_waits_for_approval_and_approval_reserves_places(
    slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request, created = services.request_group_visit(
            organisation="Школа № 1, Барабаш",
            contact_name="Мария Ивановна",
            email="teacher@example.org",
            group_size=7,
            accompanying_adults=2,
            age_from=9,
            age_to=10,
            visit_language="ru",
            contact_language="ru",
            preferred_dates=[datetime.date(2030, 5, 12)],
            source_reference="education:1A2B3C4D",
        )
    assert created and request.status == GroupRequest.Status.PENDING
    assert services.places_taken(slot) == 0  # nothing reserved before approval
    assert any(request.reference in m.subject for m in mail.outbox)
    again, created_again = services.request_group_visit(
        organisation="x",
        contact_name="x",
        email="teacher@example.org",
        group_size=7,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[],
        source_reference="education:1A2B3C4D",
    )
    assert again == request and not created_again

    book(slot, adults=1)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.approve_group_request(request, slot)
    request.refresh_from_db()
    assert request.status == GroupRequest.Status.APPROVED and request.booking == booking
    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.pupils, booking.adults, booking.places) == (7, 2, 9)
    assert booking.amount_minor == (7 * 200 + 2 * 500) * 100
    assert services.places_taken(slot) == 10
    assert any(
        m.to == ["teacher@example.org"] and booking.reference in m.subject for m in mail.outbox
    )
    # Approving again changes nothing; the group does not count the online party limit.
    assert services.approve_group_request(request, slot) == booking


def test_approval_respects_the_capacity(slot):
    book(slot, adults=5)
    request, _ = services.request_group_visit(
        organisation="Class 4B",
        contact_name="T",
        email="t@example.org",
        group_size=6,
        visit_language="en",
        contact_language="en",
        preferred_dates=[],
    )
    with pytest.raises(BookingError) as refused:
        services.approve_group_request(request, slot)
    assert refused.value.code == "not_enough"
    request.refresh_from_db()
    assert request.status == GroupRequest.Status.PENDING
    assert services.places_taken(slot) == 5


def test_a_declined_request_reserves_nothing_and_tells_the_contact(
    slot, django_capture_on_commit_callbacks
):
    request, _ = services.request_group_visit(
        organisation="Class 4B",
        contact_name="T",
        email="t@example.org",
        group_size=6,
        visit_language="en",
        contact_language="en",
        preferred_dates=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_group_request(request, reason="No guide that week.")
    request.refresh_from_db()
    assert request.status == GroupRequest.Status.DECLINED
    assert any("No guide that week." in m.body for m in mail.outbox if m.to == ["t@example.org"])
    with pytest.raises(BookingError):
        services.approve_group_request(request, slot)


def test_the_sweep_command_expires_lapsed_holds(slot):
    import io

    from django.core.management import call_command

    held = book(slot, adults=2)
    Booking.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now())
    out = io.StringIO()
    call_command("tourism_sweep", stdout=out)
    assert out.getvalue().startswith("1 holds expired")
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED


def test_contact_details_are_forgotten_a_year_after_the_tour(make_slot):
    from tourism.models import Slot

    slot = make_slot()
    booking = book(slot, adults=1)
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - datetime.timedelta(days=400))
    assert services.forget_past_visitors() == {"bookings": 1, "groups": 0, "waiting": 0}
    booking.refresh_from_db()
    assert (booking.name, booking.email, booking.phone) == ("—", "", "")
    assert booking.reference.startswith("LT-")
