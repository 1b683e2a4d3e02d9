"""Many visitors try to book the last places of one date at the same moment."""

import asyncio
import re
import threading
import uuid
from contextlib import nullcontext

import httpx
import pytest
from django.db import connection, transaction

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


@pytest.fixture(params=["queued", "straight to the row lock"])
def lock_queue(request, monkeypatch):
    """With the process's queue for the row lock, and without it: then all 40 threads wait on
    the database's row lock at once, as attempts from many server processes would."""
    if request.param != "queued":
        monkeypatch.setattr(services, "_queue_for_lock", lambda slot_id: nullcontext(False))
    return request.param


def race(slot, attempts, party, **hold_kwargs):
    """`attempts` holds of `party` on `slot` at once, each in a thread of its own, each from
    another e-mail address; the outcome of each: "held" or the BookingError's code."""
    start = threading.Barrier(attempts)
    outcomes = []
    lock = threading.Lock()

    def attempt(number):
        try:
            start.wait()
            services.hold_places(
                slot.pk, party, contact(email=f"visitor{number}@example.org"), **hold_kwargs
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
    return outcomes


def test_concurrent_attempts_never_take_more_than_the_capacity(race_slot, lock_queue):
    attempts = 40
    outcomes = race(race_slot, attempts, Party(adults=1))

    assert len(outcomes) == attempts
    assert sorted(set(outcomes)) == ["full", "held"]
    taken = sum(b.places for b in Booking.objects.filter(status=Booking.Status.HELD))
    assert taken == services.places_taken(race_slot) == 10
    assert outcomes.count("held") == Booking.objects.count()


def test_one_clients_parallel_attempts_hold_no_more_than_its_share(race_slot, lock_queue, settings):
    """40 attempts at once from one client (as from several server processes): the share is
    counted from the rows under the slot's lock, so exactly what it allows is held."""
    settings.RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE = 50  # 10 places, parties up to 8: 8
    attempts = 40
    outcomes = race(race_slot, attempts, Party(adults=2), client="one-client")

    assert outcomes.count("held") == 4
    assert outcomes.count("client_holds") == attempts - 4
    assert services.places_taken(race_slot) == 8
    assert set(Booking.objects.values_list("held_by", flat=True)) == {"one-client"}


def test_a_rush_over_http_takes_exactly_the_places_and_answers_everyone(
    asgi_server_factory, make_slot
):
    """30 visitors send the booking form at once for 5 places, to two server processes (whose
    attempts meet only at the database's row lock)."""
    slot = make_slot(capacity=5)
    env = {
        "STRIPE_SECRET_KEY": "",
        "DEMO_MODE": "true",
        "DATABASE_POOL_MAX": "8",
        # All 30 visitors come from 127.0.0.1 here: the per-client limits would refuse most.
        "RATE_LIMIT_HOLDS_PER_CLIENT": "1000/h",
        "RATE_LIMIT_HOLDS_PER_CLIENT_AND_DATE": "1000/h",
        "RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE": "100",
    }
    servers = [asgi_server_factory(**env), asgi_server_factory(**env)]
    path = f"/en/tours/dates/{slot.pk}/book/"

    async def rush(attempts):
        clients = [httpx.AsyncClient(base_url=server.url, timeout=60) for server in servers]
        form = await clients[0].get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
        for client in clients[1:]:
            client.cookies.set("csrftoken", clients[0].cookies["csrftoken"])

        async def attempt(number):
            client = clients[number % len(clients)]
            data = {
                "csrfmiddlewaretoken": token,
                "adults": "1",
                "name": f"Visitor {number}",
                "email": f"visitor{number}@example.org",
                "consent": "on",
                "submission_key": str(uuid.uuid4()),
            }
            referer = f"{client.base_url}{path}"
            return await client.post(path, data=data, headers={"Referer": referer})

        try:
            return await asyncio.gather(*(attempt(n) for n in range(attempts)))
        finally:
            for client in clients:
                await client.aclose()

    responses = asyncio.run(rush(30))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] * 5 + [409] * 25
    held = [response for response in responses if response.status_code == 302]
    assert all("/en/payments/test-checkout/" in response.headers["location"] for response in held)
    assert all(
        "Sorry, this tour date is fully booked." in r.text
        for r in responses
        if r.status_code == 409
    )
    assert services.places_taken(slot) == 5
    assert Booking.objects.filter(slot=slot).count() == 5


def test_an_attempt_inside_a_transaction_does_not_queue_in_the_process(race_slot):
    """Inside an outer transaction, which may hold the row lock already, the process's queue is
    skipped: an attempt waiting there for one that waits on this transaction would deadlock."""
    with transaction.atomic(), services._queue_for_lock(race_slot.pk) as waited:
        assert waited is False
        queue = services._LOCK_QUEUES[race_slot.pk % len(services._LOCK_QUEUES)]
        assert not queue.locked()
    with services._queue_for_lock(race_slot.pk) as waited:
        assert waited is False
        assert queue.locked()
    assert not queue.locked()
