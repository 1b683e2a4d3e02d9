"""What a visitor reads on the tourism pages: one date format with its zone, the total, the
error summary, a cancelled checkout, the waiting list's limits and the way off it (issue 14)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from live.models import Event
from payments import local_checkout
from tourism import services
from tourism.models import Booking, WaitingListEntry
from tourism.services import Party
from tourism.templatetags.tourism_tags import tour_datetime

from .conftest import book, contact, open_checkout, pay
from .test_booking import book_url, form_data

pytestmark = pytest.mark.usefixtures("checkout")


def manage_url(booking, language="en", **query):
    path = services.manage_path(booking, language)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def waiting_url(slot, language="en"):
    with translation.override(language):
        return reverse("tourism:waiting_list", args=[slot.pk])


def test_a_hold_ending_tomorrow_shows_its_date_and_time_zone(client, make_slot):
    booking = book(make_slot(), language="en")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=tomorrow)
    html = client.get(manage_url(booking)).content.decode()
    with translation.override("en"):
        shown = tour_datetime(tomorrow)
    assert f"held until {shown}" in html
    assert "(UTC+10)" in shown and str(tomorrow.day) in shown


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_every_tourism_page_shows_the_date_one_way(
    client, slot, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = pay(book(slot, language=language))
    with translation.override(language):
        shown = tour_datetime(slot.starts_at)
        tour_page = client.get(slot.tour.get_url()).content.decode()
    for html in (
        tour_page,
        client.get(book_url(slot, language)).content.decode(),
        client.get(manage_url(booking, language)).content.decode(),
    ):
        assert shown in html
    assert shown in mail.outbox[-1].body


def test_a_cancelled_test_checkout_says_so_and_offers_to_try_again(client, slot):
    booking = book(slot, adults=2, language="en")
    session = open_checkout(booking)
    local_checkout.expire(session.session_id)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.EXPIRED
    html = client.get(manage_url(booking, checkout="cancelled")).content.decode()
    assert "You cancelled the payment. Nothing was charged" in html
    assert "held for a limited time" not in html
    assert f'href="{book_url(slot, "en")}">Try again</a>' in html


def test_no_retry_is_offered_when_the_places_are_gone(client, slot):
    booking = book(slot, adults=2, language="en")
    services.release_hold(booking)
    book(slot, adults=8, email="other@example.org")
    book(slot, adults=1, email="third@example.org")  # one place left, for a party of two
    html = client.get(manage_url(booking, checkout="cancelled")).content.decode()
    assert "Try again" not in html


def test_the_booking_form_shows_the_total_and_the_prices_it_adds(client, slot):
    html = client.get(book_url(slot, "en")).content.decode()
    assert re.search(r"<output data-booking-total[^>]*>₽500</output>", html)
    assert 'name="adults"' in html and 'data-price-minor="50000"' in html
    assert 'data-price-minor="25000"' in html


def test_an_invalid_form_opens_with_a_summary_that_links_to_each_field(client, slot):
    response = client.post(book_url(slot, "en"), form_data(email="not-an-address", consent=""))
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_email"' in summary and "Enter a valid email address." in summary
    assert 'href="#id_consent"' in summary
    assert re.search(r"<output data-booking-total[^>]*>₽1,000</output>", html)


def test_every_described_by_names_an_element_of_the_page(client, slot):
    for response in (
        client.get(book_url(slot, "en")),
        client.post(book_url(slot, "en"), form_data(email="x")),
    ):
        html = response.content.decode()
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert any("phone" in value for value in described)
        for value in described:
            assert set(value.split()) <= ids, value


def full(slot):
    book(slot, adults=8, email="eight@example.org")
    return book(slot, adults=2, email="two@example.org")


def test_the_waiting_list_refuses_a_party_that_fits_the_free_places(client, slot):
    book(slot, adults=7)
    page = client.get(waiting_url(slot)).content.decode()
    assert "3 places are still free on this date" in page
    response = client.post(waiting_url(slot), form_data(adults="3"))
    assert response.status_code == 409
    assert "book them instead" in response.content.decode()
    assert not WaitingListEntry.objects.exists()
    # A larger party than the places left may wait.
    assert client.post(waiting_url(slot), form_data(adults="4")).status_code == 200
    assert WaitingListEntry.objects.get().places == 4


def test_a_waiting_person_leaves_the_list_through_the_link_in_the_email(
    client, slot, django_capture_on_commit_callbacks
):
    full(slot)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(waiting_url(slot), form_data(email="wait@example.org"))
    assert response.status_code == 200
    [joined] = mail.outbox
    assert joined.to == ["wait@example.org"]
    leave = re.search(r"https?://\S+(/en/tours/waiting-list/\S+/leave/)", joined.body).group(1)
    assert leave in response.content.decode()

    assert "Leave the waiting list" in client.get(leave).content.decode()
    assert WaitingListEntry.objects.count() == 1
    left = client.post(leave).content.decode()
    assert "You have left the waiting list" in left
    assert not WaitingListEntry.objects.exists()
    assert "You are not on this waiting list" in client.get(leave).content.decode()
    assert client.get(leave[:-12] + "xx/leave/").status_code == 200  # a bad link: said plainly


def test_an_offered_entry_cannot_leave_by_the_waiting_link(slot):
    last = full(slot)
    entry = services.join_waiting_list(slot.pk, Party(adults=2), contact(email="w@example.org"))
    services.release_hold(last)
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED
    assert services.leave_waiting_list(entry) is False
    assert WaitingListEntry.objects.filter(pk=entry.pk).exists()


def test_every_date_of_a_tour_page_is_live_through_one_topic(client, tour, make_slot):
    slots = [make_slot() for _ in range(12)]
    with translation.override("en"):
        html = client.get(tour.get_url()).content.decode()
    topics = re.search(r'data-live-client-topics="([^"]*)"', html).group(1).split()
    assert topics == [f"tour:{tour.pk}"]
    book(slots[-1], adults=3)
    event = Event.objects.filter(kind="slot.availability").latest("id")
    assert event.topic in topics
    assert event.payload["slot"] == slots[-1].pk
