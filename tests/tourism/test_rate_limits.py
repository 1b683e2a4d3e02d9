"""One client must not hold a whole date's places again and again, nor flood the waiting list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from payments.models import Payment
from tests.ratelimits import assert_refused
from tourism import services
from tourism.models import Booking, WaitingListEntry

from .conftest import book
from .test_full_slot import book_url, form_data

pytestmark = pytest.mark.usefixtures("checkout")


def test_holds_on_one_date_per_client(client, make_slot, settings):
    settings.RATE_LIMIT_HOLDS_PER_CLIENT_AND_DATE = "2/h"
    settings.RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE = 100  # attempts, not places, here
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


HELD_SHARE_REFUSAL = (
    "Your connection already holds as many places on this tour date as one visitor may hold "
    "at once. Pay for them, or release them, from the link in your booking. Nothing was "
    "reserved this time."
)


def assert_share_refused(response, language):
    assert_refused(response, language)
    with translation.override(language):
        reason = gettext(HELD_SHARE_REFUSAL)
    if language != "en":
        assert reason != HELD_SHARE_REFUSAL, f"no {language} translation"
    assert reason in response.content.decode()


def test_one_client_cannot_hold_a_whole_date_by_default(client, make_slot):
    """The demo's small dates: 12 places, parties of up to 8. One client holds one largest
    party; the rest of the date stays open to others, however the attempts are spread."""
    slot = make_slot(capacity=12, max_party=8)
    assert client.post(book_url(slot, "en"), form_data(adults="8")).status_code == 302

    refused = client.post(book_url(slot, "ru"), form_data(adults="4", email="b@x.org"))

    assert_share_refused(refused, "ru")
    assert services.places_taken(slot) == 8
    assert Booking.objects.count() == Payment.objects.count() == 1
    # Another visitor takes the rest.
    other = client.post(
        book_url(slot, "en"), form_data(adults="4", email="c@x.org"), REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 302
    assert services.places_taken(slot) == 12


def test_a_clients_held_places_on_a_date_stay_within_the_share(client, make_slot, settings):
    settings.RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE = 50
    slot = make_slot(capacity=20, max_party=6)  # 10 places for one client
    for number, adults in enumerate(["6", "4"]):
        data = form_data(adults=adults, email=f"v{number}@x.org")
        assert client.post(book_url(slot, "en"), data).status_code == 302

    refused = client.post(book_url(slot, "zh-hans"), form_data(email="v9@x.org"))

    assert_share_refused(refused, "zh-hans")
    assert services.places_taken(slot) == 10
    assert Booking.objects.count() == Payment.objects.count() == 2
    # Try again when the first hold ends: the page says so.
    first_ends = Booking.objects.order_by("hold_expires_at").first().hold_expires_at
    wait = (first_ends - timezone.now()).total_seconds()
    assert wait - 5 <= int(refused["Retry-After"]) <= wait + 1


def test_places_a_client_paid_for_or_gave_back_no_longer_count(client, make_slot, settings):
    settings.RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE = 50
    slot = make_slot(capacity=20, max_party=6)
    for number in range(2):
        data = form_data(adults="5", email=f"v{number}@x.org")
        assert client.post(book_url(slot, "en"), data).status_code == 302
    paid, lapsed = Booking.objects.order_by("pk")
    services.release_hold(lapsed)
    services._confirm(paid, timezone.now())

    again = client.post(book_url(slot, "en"), form_data(adults="6", email="v3@x.org"))

    assert again.status_code == 302
    assert services.places_taken(slot) == 11


def test_an_expired_hold_no_longer_counts(client, make_slot, settings):
    settings.RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE = 50
    slot = make_slot(capacity=12, max_party=6)
    assert client.post(book_url(slot, "en"), form_data(adults="6")).status_code == 302
    Booking.objects.update(hold_expires_at=timezone.now() - datetime.timedelta(seconds=1))

    again = client.post(book_url(slot, "en"), form_data(adults="6", email="b@x.org"))

    assert again.status_code == 302


def test_the_share_is_off_with_the_limits(client, make_slot, settings):
    settings.RATELIMIT_ENABLE = False
    slot = make_slot(capacity=12, max_party=6)
    for number in range(2):
        data = form_data(adults="6", email=f"v{number}@x.org")
        assert client.post(book_url(slot, "en"), data).status_code == 302
    assert services.places_taken(slot) == 12


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


def test_waiting_list_entries_per_address(client, make_slot, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_ADDRESS = "1/h"
    first, second = make_slot(capacity=2), make_slot(capacity=2)
    book(first, adults=2)
    book(second, adults=2)
    with translation.override("en"):
        first_url = reverse("tourism:waiting_list", args=[first.pk])
        second_url = reverse("tourism:waiting_list", args=[second.pk])
    assert client.post(first_url, form_data(email="w@example.org")).status_code == 200
    sent = len(mailoutbox)

    refused = client.post(
        second_url.replace("/en/", "/zh-hans/", 1),
        form_data(email=" W@Example.org "),
        REMOTE_ADDR="198.51.100.9",
    )

    assert_refused(refused, "zh-hans")
    assert list(WaitingListEntry.objects.values_list("slot", flat=True)) == [first.pk]
    assert len(mailoutbox) == sent
