"""Two ASGI server processes sharing one Redis deliver each other's events: a visitor books
places through one server, and a page open on the other sees the availability change."""

import re

import httpx
import pytest
from asgiref.sync import sync_to_async

from tests.live.test_processes import Client
from tests.tourism.test_browser import make_trail_slot

pytestmark = pytest.mark.redis


def book_through(server, slot):
    """A visitor's booking form, sent to `server` as a browser would (CSRF token included)."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        url = f"/en/tours/dates/{slot.pk}/book/"
        form = http.get(url)
        assert form.status_code == 200
        key = re.search(r'name="submission_key" value="([^"]+)"', form.text).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = http.post(
            url,
            data={
                "csrfmiddlewaretoken": token,
                "submission_key": key,
                "adults": "2",
                "children": "0",
                "pupils": "0",
                "name": "Ada Visitor",
                "email": "ada@example.org",
                "consent": "on",
            },
            headers={"Referer": server.url + url},
        )
    assert answer.status_code == 302, answer.text[:500]
    return answer


async def test_an_event_published_by_one_server_reaches_the_other_servers_clients(
    asgi_server_factory, redis_layer
):
    slot = await sync_to_async(make_trail_slot)()
    start = sync_to_async(asgi_server_factory)
    env = {"REDIS_URL": redis_layer.url, "STRIPE_SECRET_KEY": "", "DEMO_MODE": "true"}
    booking_server, watching_server = await start(**env), await start(**env)
    watcher = Client(watching_server)
    await watcher.open([f"tour:{slot.tour_id}"])

    await sync_to_async(book_through)(booking_server, slot)

    event = await watcher.next_event(timeout=15)
    assert (event["topic"], event["kind"]) == (f"tour:{slot.tour_id}", "slot.availability")
    assert event["payload"]["remaining"] == 10
    await watcher.socket.close()
