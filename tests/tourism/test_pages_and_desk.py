"""The tour page, the manage link, the home section, the desk's screens and the demo."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from live.models import Event
from tourism import services
from tourism.models import Booking, Slot, TourPage

from .conftest import book, pay

pytestmark = pytest.mark.usefixtures("checkout")


def page_url(tour, language="ru"):
    with translation.override(language):
        return tour.get_url()


def test_the_tour_page_shows_the_facts_and_the_remaining_places(client, slot):
    book(slot, adults=3)
    html = client.get(page_url(slot.tour, "en")).content.decode()
    assert "The Leopard Trail" in html
    assert "1.8 km" in html
    assert "Visitor centre, Barabash" in html
    assert f'data-slot-remaining="{slot.pk}"' in html
    assert "7 places left" in html
    assert f'data-live-client-topics="tour:{slot.tour_id}"' in html


def test_the_tour_page_query_count_does_not_grow_with_the_dates(
    client, tour, make_slot, django_assert_max_num_queries
):
    url = page_url(tour)
    make_slot()
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(15):
        book(make_slot(), adults=1)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert response.content.decode().count("data-slot-remaining=") == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_booking_publishes_the_new_availability(slot):
    book(slot, adults=4)
    event = Event.objects.filter(topic=f"tour:{slot.tour_id}").latest("id")
    assert event.kind == "slot.availability"
    assert event.payload == {"slot": slot.pk, "remaining": 6, "capacity": 10, "bookable": True}
    assert event.localized["en"]["label"] == "6 places left"
    assert set(event.localized) == {"ru", "en", "zh-hans"}


def test_the_manage_link_shows_cancels_and_adds_to_a_calendar(client, slot):
    booking = pay(book(slot, adults=2, language="en"))
    url = services.manage_path(booking, "en")
    page = client.get(url).content.decode()
    assert booking.reference in page and "confirmed" in page
    ics = client.get(url + "calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"booking-{booking.reference}" in ics.content.decode()
    confirm = client.get(url + "cancel/").content.decode()
    assert "we refund" in confirm
    response = client.post(url + "cancel/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    again = client.post(url + "cancel/")  # the same form sent twice
    assert again.status_code == 302
    assert booking.payment.refunds.count() == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.split(":")[0],
        lambda token: "garbage",
        lambda token: "IkxULUFCQ0RFRkci:" + token.split(":")[1],
    ],
)
def test_a_tampered_link_is_a_clear_400(client, slot, mangle):
    booking = pay(book(slot))
    token = services.manage_token(booking)
    with translation.override("en"):
        url = reverse("tourism:booking", args=[mangle(token)])
    response = client.get(url)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert client.post(url + "cancel/").status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_home_page_shows_the_tours(client, slot):
    html = client.get("/en/").content.decode()
    assert 'id="home-tours"' in html
    assert "The Leopard Trail" in html


# --- The desk -------------------------------------------------------------------------------


def test_the_desk_is_for_the_tourism_desk_only(client, slot, desk_user, django_user_model):
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw-ed-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(reverse("tourism_desk:day")).status_code in (302, 403)
    client.force_login(desk_user)
    day = timezone.localtime(slot.starts_at).date()
    page = client.get(reverse("tourism_desk:day") + f"?day={day:%Y-%m-%d}")
    assert page.status_code == 200
    assert reverse("tourism_desk:manifest", args=[slot.pk]) in page.content.decode()


@pytest.mark.parametrize(
    "day", ["2024-02-30", "²０24-01-01", "9999-12-31", "0000-01-01", "tomorrow"]
)
@pytest.mark.parametrize("view", ["tourism_desk:day", "tourism_desk:day_csv"])
def test_the_desk_refuses_a_day_that_is_no_date(slot, desk_user, view, day):
    client = Client(raise_request_exception=False)
    client.force_login(desk_user)
    assert client.get(reverse(view), {"day": day}).status_code == 400


def test_the_manifest_lists_confirmed_bookings_and_checks_them_in(client, slot, desk_user):
    walker = pay(book(slot, adults=2, email="walker@example.org"))
    book(slot, adults=1, email="unpaid@example.org")
    client.force_login(desk_user)
    html = client.get(reverse("tourism_desk:manifest", args=[slot.pk])).content.decode()
    assert walker.reference in html
    assert "unpaid@example.org" not in html
    assert "data-print" in html and "onclick" not in html and "<script>" not in html

    client.post(reverse("tourism_desk:check_in", args=[walker.pk]))
    walker.refresh_from_db()
    assert walker.checked_in_at is not None and walker.checked_in_by == desk_user

    csv_text = client.get(reverse("tourism_desk:manifest_csv", args=[slot.pk])).content.decode()
    rows = csv_text.lstrip("\ufeff").strip().splitlines()
    assert rows[0].startswith("tour,starts_at,reference,name")
    assert len(rows) == 2 and walker.reference in rows[1]
    day = timezone.localtime(slot.starts_at).date()
    day_csv = client.get(reverse("tourism_desk:day_csv") + f"?day={day:%Y-%m-%d}")
    assert walker.reference in day_csv.content.decode()


def test_a_name_cannot_smuggle_a_formula_into_the_csv(slot):
    booking = pay(book(slot))
    Booking.objects.filter(pk=booking.pk).update(name="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in services.manifest_csv([slot])


def test_the_desk_searches_bookings(client, slot, desk_user):
    booking = pay(book(slot, email="searchme@example.org"))
    client.force_login(desk_user)
    html = client.get(reverse("tourism_desk:day") + "?q=searchme").content.decode()
    assert booking.reference in html


def test_the_desk_cancels_a_date(client, slot, desk_user):
    booking = pay(book(slot))
    client.force_login(desk_user)
    response = client.post(reverse("tourism_desk:cancel_slot", args=[slot.pk]), {"reason": "Flood"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_desk_makes_dates_from_a_weekly_schedule(client, tour, desk_user):
    client.force_login(desk_user)
    data = {
        "tour": tour.pk,
        "first_day": "2030-06-01",
        "last_day": "2030-06-30",
        "weekdays": ["5", "6"],
        "times": "10:00, 14:30",
        "capacity": "15",
        "guide_language": "en",
        "price_adult": "500",
        "price_child": "250",
        "price_pupil": "200",
        "child_under_age": "14",
        "free_under_age": "5",
        "min_party": "1",
        "max_party": "8",
        "opens_days_before": "60",
        "closes_hours_before": "2",
    }
    assert client.post(reverse("tourism_desk:schedule"), data).status_code == 302
    slots = Slot.objects.filter(tour=tour)
    assert slots.count() == 10 * 2  # June 2030: 5 Saturdays and 5 Sundays
    first = timezone.localtime(slots.order_by("starts_at").first().starts_at)
    assert (first.date(), first.hour, first.minute) == (datetime.date(2030, 6, 1), 10, 0)
    client.post(reverse("tourism_desk:schedule"), data)
    assert slots.count() == 20


def test_the_desk_approves_a_group_request(client, slot, desk_user):
    request, _ = services.request_group_visit(
        organisation="School 5",
        contact_name="T",
        email="t@example.org",
        group_size=6,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[],
    )
    client.force_login(desk_user)
    assert "School 5" in client.get(reverse("tourism_desk:groups")).content.decode()
    client.post(
        reverse("tourism_desk:decide_group", args=[request.pk]),
        {"decision": "approve", f"g{request.pk}-slot": slot.pk},
    )
    request.refresh_from_db()
    assert request.booking.places == 7


def test_the_demo_loads_twice_without_change(db):
    from tests.pages import build_site_tree

    build_site_tree()
    call_command("load_demo", stdout=io.StringIO())
    slots = list(Slot.objects.values_list("pk", flat=True))
    tours = TourPage.objects.count()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert list(Slot.objects.values_list("pk", flat=True)) == slots
    assert tours == 2 and len(slots) > 10
