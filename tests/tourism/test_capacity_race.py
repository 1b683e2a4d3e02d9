"""Many visitors try to book the last places of one date at the same moment."""

import threading

import pytest
from django.db import connection

from tourism import services
from tourism.models import Booking
from tourism.services import BookingError, Party

from .conftest import build_tours, contact


@pytest.fixture
def race_slot(live_db, make_slot):
    return make_slot(capacity=10)


@pytest.fixture
def tour(live_db):
    from tests.pages import build_site_tree

    return build_tours(build_site_tree().home)[1]


def test_concurrent_attempts_never_take_more_than_the_capacity(race_slot):
    attempts = 40
    start = threading.Barrier(attempts)
    outcomes = []
    lock = threading.Lock()

    def attempt(number):
        try:
            start.wait()
            services.hold_places(
                race_slot.pk,
                Party(adults=1),
                contact(email=f"visitor{number}@example.org"),
            )
            result = "held"
        except BookingError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == attempts
    assert sorted(set(outcomes)) == ["full", "held"]
    taken = sum(b.places for b in Booking.objects.filter(status=Booking.Status.HELD))
    assert taken == services.places_taken(race_slot) == 10
    assert outcomes.count("held") == Booking.objects.count()
