"""An attempt on a date with no place left: refused at once, cheaply, in the visitor's language."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from payments.models import Payment
from tourism import services
from tourism.models import Booking, Slot
from tourism.prepared import Placeholder, PreparedQuery

from .conftest import book

pytestmark = pytest.mark.usefixtures("checkout")


def form_data(**overrides):
    return {
        "adults": "1",
        "children": "0",
        "pupils": "0",
        "infants": "0",
        "name": "Late Visitor",
        "email": "late@example.org",
        "consent": "on",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def book_url(slot, language):
    with translation.override(language):
        return reverse("tourism:book", args=[slot.pk])


@pytest.fixture
def full_slot(make_slot):
    slot = make_slot(capacity=3)
    book(slot, adults=3)
    return slot


@pytest.mark.parametrize(
    ("language", "sorry", "waiting_list", "tour_url"),
    [
        ("ru", "К сожалению, на эту дату мест нет.", "Встать в лист ожидания", "/ru/ekskursii/"),
        ("en", "Sorry, this tour date is fully booked.", "Join the waiting list", "/en/tours/"),
        ("zh-hans", "抱歉，该场次已订满。", "加入候补名单", "/zh-hans/daolan/"),
    ],
)
def test_a_full_date_answers_409_with_its_own_page_in_the_visitors_language(
    client, full_slot, language, sorry, waiting_list, tour_url
):
    response = client.post(book_url(full_slot, language), form_data())

    assert response.status_code == 409
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert sorry in html
    with translation.override(language):
        waiting_list_url = reverse("tourism:waiting_list", args=[full_slot.pk])
        tour_page_url = full_slot.tour.get_url()
        title = full_slot.tour.title
    assert f'href="{waiting_list_url}">{waiting_list}</a>' in html
    assert tour_page_url.startswith(tour_url)
    assert f'href="{tour_page_url}"' in html
    assert title in html
    assert Booking.objects.filter(slot=full_slot).count() == 1


def test_refusing_a_full_date_costs_one_query(client, full_slot, django_assert_num_queries):
    url = book_url(full_slot, "en")
    client.post(url, form_data())  # Wagtail's site root paths are cached from here on
    with django_assert_num_queries(1):
        response = client.post(url, form_data(email="another@example.org"))
    assert response.status_code == 409


def test_the_full_page_shows_the_tour_as_it_is_now(client, full_slot):
    url = book_url(full_slot, "en")
    assert "The Leopard Trail" in client.post(url, form_data()).content.decode()
    tour = full_slot.tour
    tour.title_en = "The Leopard Trail (winter route)"
    tour.save_revision().publish()

    html = client.post(url, form_data()).content.decode()
    assert "The Leopard Trail (winter route)" in html


def test_a_full_date_is_refused_before_the_form_is_read(client, full_slot):
    response = client.post(book_url(full_slot, "en"), form_data(adults="abc", consent=""))
    assert response.status_code == 409
    assert "Sorry, this tour date is fully booked." in response.content.decode()


def test_a_form_sent_twice_finds_its_booking_even_when_it_took_the_last_place(client, make_slot):
    slot = make_slot(capacity=2)
    data = form_data(adults="2")
    first = client.post(book_url(slot, "en"), data)
    second = client.post(book_url(slot, "en"), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1
    assert Payment.objects.count() == 1
    assert client.post(book_url(slot, "en"), form_data()).status_code == 409


def test_a_party_larger_than_the_places_left_keeps_the_form(client, make_slot):
    slot = make_slot(capacity=3)
    book(slot, adults=2)
    response = client.post(book_url(slot, "en"), form_data(adults="2"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Sorry, only 1 place is left on this tour date." in html
    assert 'class="booking-form"' in html
    assert Booking.objects.count() == 1


def test_a_date_that_cannot_be_booked_is_explained_not_called_full(client, make_slot):
    slot = make_slot(capacity=1, status=Slot.Status.CLOSED)
    response = client.post(book_url(slot, "en"), form_data())
    assert response.status_code == 409
    assert "This tour date is closed for booking." in response.content.decode()


def test_the_booking_form_is_refused_without_its_csrf_token(full_slot, make_slot):
    client = Client(enforce_csrf_checks=True)
    open_slot = make_slot(capacity=3)
    for slot in (full_slot, open_slot):
        assert client.post(book_url(slot, "en"), form_data()).status_code == 403
    assert Booking.objects.filter(slot=open_slot).count() == 0


def test_a_full_date_refuses_a_form_with_its_csrf_token(full_slot):
    client = Client(enforce_csrf_checks=True)
    form = client.get(reverse("tourism:waiting_list", args=[full_slot.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    response = client.post(book_url(full_slot, "en"), form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 409


def test_an_unknown_date_is_404_on_post(client, db):
    assert client.post("/en/tours/dates/999999/book/", form_data()).status_code == 404


def test_a_date_of_a_tour_not_live_is_404_on_post(client, full_slot):
    tour = full_slot.tour
    tour.unpublish()
    assert client.post(book_url(full_slot, "en"), form_data()).status_code == 404


# --- The read behind it ----------------------------------------------------------------------


def test_the_read_counts_confirmed_places_and_live_holds_only(make_slot):
    slot = make_slot(capacity=10)
    held = book(slot, adults=2)
    lapsed = book(slot, adults=3, email="lapsed@example.org")
    Booking.objects.filter(pk=lapsed.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    confirmed = book(slot, adults=1, email="paid@example.org")
    Booking.objects.filter(pk=confirmed.pk).update(
        status=Booking.Status.CONFIRMED, hold_expires_at=None
    )

    seen = services.slot_for_booking(slot.pk, held.submission_key)
    assert seen.taken == services.places_taken(slot) == 3
    assert seen.submitted is False  # book() sends no submission key
    assert seen.remaining == 7
    assert seen.starts_at == slot.starts_at
    with translation.override("zh-hans"):
        assert seen.tour.title == "豹之小径"
    assert services.refused_at_once(seen) is False


def test_the_read_finds_the_twin_submission(make_slot):
    slot = make_slot(capacity=2)
    key = uuid.uuid4()
    book(slot, adults=2, submission_key=key)

    assert services.slot_for_booking(slot.pk, key).submitted is True
    assert services.slot_for_booking(slot.pk, uuid.uuid4()).submitted is False
    assert services.slot_for_booking(slot.pk, None).submitted is False
    assert services.refused_at_once(services.slot_for_booking(slot.pk, key)) is False
    assert services.refused_at_once(services.slot_for_booking(slot.pk, None)) is True


def test_the_read_gives_what_the_orm_gives(make_slot, django_assert_num_queries):
    slot = make_slot(capacity=4)
    book(slot, adults=1)
    with django_assert_num_queries(1):
        seen = services.slot_for_booking(slot.pk)
    expected = Slot.objects.select_related("tour").with_taken().get(pk=slot.pk)
    for field in Slot._meta.concrete_fields:
        assert getattr(seen, field.attname) == getattr(expected, field.attname), field.name
    assert seen.taken == expected.taken == 1
    with translation.override("en"):
        assert (seen.tour.title, seen.tour.url) == (expected.tour.title, expected.tour.url)


def test_the_read_of_an_unknown_date_raises_does_not_exist(db):
    with pytest.raises(Slot.DoesNotExist):
        services.slot_for_booking(999999)


def test_a_prepared_query_refuses_a_placeholder_its_sql_does_not_use(db):
    query = PreparedQuery(
        lambda slot_id: Slot.objects.filter(capacity=3).order_by(),
        slot_id=Placeholder(2_000_000_011, Slot._meta.pk),
    )
    with pytest.raises(ImproperlyConfigured):
        query.first(slot_id=1)
