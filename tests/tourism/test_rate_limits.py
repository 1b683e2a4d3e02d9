"""One client must not hold a whole date's places again and again, nor flood the waiting list."""

import pytest
from django.urls import reverse
from django.utils import translation

from payments.models import Payment
from tests.ratelimits import assert_refused
from tourism import services
from tourism.models import Booking, WaitingListEntry

from .conftest import book
from .test_full_slot import book_url, form_data

pytestmark = pytest.mark.usefixtures("checkout")


def test_holds_on_one_date_per_client(client, make_slot, settings):
    settings.RATE_LIMIT_HOLDS_PER_CLIENT_AND_DATE = "2/h"
    slot, other = make_slot(capacity=20), make_slot(capacity=20)
    for number in range(2):
        response = client.post(
            book_url(slot, "en"), form_data(adults="8", email=f"v{number}@x.org")
        )
        assert response.status_code == 302
    assert services.places_taken(slot) == 16

    refused = client.post(book_url(slot, "ru"), form_data(adults="4", email="v2@x.org"))

    assert_refused(refused, "ru")
    assert services.places_taken(slot) == 16
    assert Booking.objects.count() == Payment.objects.count() == 2
    # Another date is still open to the same client.
    assert client.post(book_url(other, "en"), form_data(email="v3@x.org")).status_code == 302


def test_holds_per_client_over_all_dates(client, make_slot, settings):
    settings.RATE_LIMIT_HOLDS_PER_CLIENT = "3/h"
    slots = [make_slot() for _ in range(4)]
    for number, slot in enumerate(slots[:3]):
        client.post(book_url(slot, "en"), form_data(email=f"v{number}@x.org"))

    refused = client.post(book_url(slots[3], "zh-hans"), form_data(email="v9@x.org"))

    assert_refused(refused, "zh-hans")
    assert Booking.objects.count() == 3
    assert services.places_taken(slots[3]) == 0


def test_holds_per_address(client, make_slot, settings):
    settings.RATE_LIMIT_HOLDS_PER_ADDRESS = "1/h"
    first, second = make_slot(), make_slot()
    assert client.post(book_url(first, "en"), form_data()).status_code == 302

    refused = client.post(book_url(second, "en"), form_data(email="LATE@example.org"))

    assert_refused(refused, "en")
    assert Booking.objects.count() == 1


def test_paying_again_opens_checkouts_up_to_the_limit(client, slot, settings):
    settings.RATE_LIMIT_CHECKOUTS_PER_CLIENT = "2/h"
    booking = book(slot)
    with translation.override("en"):
        pay_url = reverse("tourism:booking_pay", args=[services.manage_token(booking)])
    for _ in range(2):
        assert client.post(pay_url).status_code == 302
    payments = Payment.objects.count()

    refused = client.post(pay_url.replace("/en/", "/ru/", 1))

    assert_refused(refused, "ru")
    assert Payment.objects.count() == payments


def test_waiting_list_entries_per_client(client, make_slot, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "2/h"
    slot = make_slot(capacity=2)
    book(slot, adults=2)
    with translation.override("en"):
        url = reverse("tourism:waiting_list", args=[slot.pk])
    for number in range(2):
        data = form_data(email=f"w{number}@example.org")
        assert client.post(url, data).status_code == 200
    sent = len(mailoutbox)

    refused = client.post(url, form_data(email="w2@example.org"))

    assert_refused(refused, "en")
    assert WaitingListEntry.objects.count() == 2
    assert len(mailoutbox) == sent
