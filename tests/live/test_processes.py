"""Real processes: uvicorn servers, a Redis of the test's own, WebSocket clients over TCP.

These need redis-server; without it they fail (never skip), as in CI.
"""

import asyncio
import json

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async

from live import publish
from live.consumers import CLOSE_TRY_LATER
from tests.live.conftest import publish_sighting
from tests.pages import build_site_tree

pytestmark = pytest.mark.redis


class Client:
    """A WebSocket client of /ws/live/ as the browser script speaks to it."""

    def __init__(self, server):
        self.server = server
        self.events = []

    async def open(self, topics, since=0):
        url = self.server.url.replace("http://", "ws://") + "/ws/live/"
        self.socket = await websockets.connect(url, origin=self.server.url, open_timeout=10)
        await self.socket.send(json.dumps({"type": "subscribe", "topics": topics, "since": since}))
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout=10))
            if message["type"] == "subscribed":
                return message
            self.events.append(message["event"])

    async def next_event(self, timeout=10):
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout=timeout))
            if message["type"] == "event":
                self.events.append(message["event"])
                return message["event"]


apublish = sync_to_async(publish)
apublish_sighting = sync_to_async(publish_sighting)


async def test_a_real_server_delivers_over_redis_and_replays_after_a_reconnect(
    asgi_server_factory, redis_layer
):
    server = await sync_to_async(asgi_server_factory)(REDIS_URL=redis_layer.url)
    client = Client(server)
    await client.open(["leopard:12", "feed"])
    on_leopard, on_feed = await apublish_sighting(leopard_id=12, sighting_id=77)
    received = [await client.next_event(), await client.next_event()]
    assert [event["id"] for event in received] == [on_leopard.pk, on_feed.pk]
    assert received[0]["localized"]["ru"]["leopard_name"] == "Грация"
    await client.socket.close()

    missed = [await apublish("leopard:12", "note", {"n": n}) for n in range(3)]
    again = Client(server)
    subscribed = await again.open(["leopard:12"], since=on_leopard.pk)
    assert [event["id"] for event in again.events] == [event.pk for event in missed]
    assert subscribed["last_id"] == missed[-1].pk
    live = await apublish("leopard:12", "note", {"n": "live"})
    assert (await again.next_event())["id"] == live.pk
    await again.socket.close()


async def test_two_server_processes_deliver_each_others_events(asgi_server_factory, redis_layer):
    start = sync_to_async(asgi_server_factory)
    first, second = await start(REDIS_URL=redis_layer.url), await start(REDIS_URL=redis_layer.url)
    on_first, on_second = Client(first), Client(second)
    await on_first.open(["feed"])
    await on_second.open(["feed"])
    # Published by a third process (this one): both servers hear it through Redis.
    events = [await apublish("feed", "note", {"n": n}) for n in range(5)]
    for client in (on_first, on_second):
        received = [(await client.next_event())["id"] for _ in events]
        assert received == [event.pk for event in events]
        await client.socket.close()


async def test_when_redis_stops_clients_poll_and_when_it_returns_nothing_is_lost(
    asgi_server_factory, redis_layer
):
    server = await sync_to_async(asgi_server_factory)(REDIS_URL=redis_layer.url)
    client = Client(server)
    await client.open(["feed"])
    before = await apublish("feed", "note", {"n": "before"})
    assert (await client.next_event())["id"] == before.pk

    await sync_to_async(redis_layer.stop)()
    # The open socket is closed cleanly, with a code that says "poll, and try again later".
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.next_event(timeout=15)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_TRY_LATER

    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        # Publishing still works: the log is in the database; the broadcast fails quietly.
        during = await apublish("feed", "note", {"n": "during"})
        polled = await http.get(f"/live/events/?topics=feed&since={before.pk}")
        assert [event["id"] for event in polled.json()["events"]] == [during.pk]
        # A new WebSocket is told to come back later rather than left hanging.
        with pytest.raises(websockets.ConnectionClosed) as refused:
            await Client(server).open(["feed"])
        assert refused.value.rcvd.code == CLOSE_TRY_LATER

        await sync_to_async(redis_layer.start)()
        back = Client(server)
        for _attempt in range(40):
            try:
                await back.open(["feed"], since=before.pk)
                break
            except websockets.ConnectionClosed:
                await asyncio.sleep(0.5)
        else:
            pytest.fail("live delivery did not resume after Redis returned")
        assert [event["id"] for event in back.events] == [during.pk]  # nothing lost
        after = await apublish("feed", "note", {"n": "after"})
        assert (await back.next_event())["id"] == after.pk
        await back.socket.close()


async def test_pages_keep_serving_while_redis_is_down(asgi_server_factory, redis_layer):
    """Wagtail reads the cache on every page: a Redis outage must read as cache misses.

    Needs the cache to ignore Redis errors (django-redis' IGNORE_EXCEPTIONS, docs/live.md, "Faults").
    """
    server = await sync_to_async(asgi_server_factory)(REDIS_URL=redis_layer.url)
    await sync_to_async(build_site_tree)()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        assert (await http.get("/ru/")).status_code == 200
        await sync_to_async(redis_layer.stop)()
        await apublish_sighting(leopard_id=12)
        for path in ("/ru/", "/en/", "/live/events/?topics=feed&since=0", "/ru/live/sightings.rss"):
            response = await http.get(path)
            assert response.status_code == 200, path
        assert "Grace (Leo 45F) seen again" in (await http.get("/en/")).text
