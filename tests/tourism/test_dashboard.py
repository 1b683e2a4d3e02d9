"""The Tourism desk's home in the admin: today's dates and visitors, group requests waiting,
class visits; nothing of the other roles."""

import datetime

from django.test import Client
from django.utils import timezone

from tests.dashboards import dashboard, figure
from tourism.models import Booking, Slot
from tourism.services import request_group_visit


def today_at(hour):
    return datetime.datetime.combine(
        timezone.localdate(), datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def confirmed(slot, places, name, checked_in=False):
    now = timezone.now()
    return Booking.objects.create(
        slot=slot,
        places=places,
        adults=places,
        name=name,
        email=f"{name}@example.org",
        language="ru",
        status=Booking.Status.CONFIRMED,
        confirmed_at=now,
        checked_in_at=now if checked_in else None,
    )


def test_the_desk_lands_on_today_and_the_waiting_requests(
    make_slot, desk_user, django_assert_max_num_queries
):
    morning = make_slot(starts_at=today_at(10))
    make_slot(starts_at=today_at(15))
    make_slot(starts_at=today_at(10) + datetime.timedelta(days=1))  # tomorrow: not counted
    confirmed(morning, 3, "anna", checked_in=True)
    confirmed(morning, 2, "boris")
    cancelled = confirmed(morning, 4, "vera")
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    request_group_visit(
        organisation="Школа № 1",
        contact_name="Мария",
        email="teacher@example.org",
        group_size=12,
        visit_language="ru",
        contact_language="ru",
        preferred_dates=[],
    )
    client = Client()
    client.force_login(desk_user)
    panels = dashboard(client)
    assert set(panels) == {"tourism-desk-today", "class-visits"}
    desk = panels["tourism-desk-today"]
    assert [value for _label, value, _link in desk] == ["2", "5", "3", "1"]
    assert figure(desk, r"/admin/tourism/desk/groups/$")[0] == "1"
    assert client.get("/admin/tourism/desk/groups/").status_code == 200

    # A busier day costs the same number of queries.
    with django_assert_max_num_queries(40) as first:
        client.get("/admin/")
    for hour in (11, 12, 13):
        confirmed(make_slot(starts_at=today_at(hour)), 1, f"guest{hour}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/admin/")
    assert Slot.objects.count() == 6
