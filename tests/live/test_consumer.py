"""The WebSocket endpoint through Channels' communicator, on this process's channel layer."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from live import consumers, publish
from portal.asgi import application
from tests.live.conftest import publish_sighting, sighting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


async def connect(origin=ORIGIN):
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[origin])
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def subscribe(communicator, topics, since=None):
    """Subscribes; returns the replayed events and the closing 'subscribed' message."""
    await communicator.send_json_to({"type": "subscribe", "topics": topics, "since": since})
    replayed = []
    while True:
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == "subscribed":
            return replayed, message
        replayed.append(message["event"])


async def closed_with(communicator):
    message = await communicator.receive_output(timeout=3)
    assert message["type"] == "websocket.close", message
    return message.get("code")


apublish = database_sync_to_async(publish)
apublish_sighting = database_sync_to_async(publish_sighting)


async def test_a_subscriber_receives_the_events_of_its_topics_only():
    client = await connect()
    replayed, subscribed = await subscribe(client, ["leopard:12", "feed"])
    assert replayed == []
    assert subscribed["topics"] == ["feed", "leopard:12"]
    on_leopard, _ = await apublish_sighting(leopard_id=12)
    await apublish_sighting(leopard_id=99)  # the feed copy arrives, the leopard:99 one does not
    received = [(await client.receive_json_from(timeout=3))["event"] for _ in range(3)]
    assert [event["topic"] for event in received] == ["leopard:12", "feed", "feed"]
    assert received[0]["id"] == on_leopard.pk
    assert received[0]["localized"]["en"]["leopard_name"] == "Grace"
    assert await client.receive_nothing(timeout=0.3)
    await client.disconnect()


async def test_a_reconnecting_client_first_gets_what_it_missed_in_order_then_live_ones():
    payload, localized = sighting()
    seen = await apublish("leopard:12", "sighting.published", payload, localized=localized)
    missed = [await apublish("leopard:12", "note", {"n": n}) for n in range(3)]
    await apublish("leopard:13", "note", {"n": "other leopard"})
    client = await connect()
    replayed, subscribed = await subscribe(client, ["leopard:12"], since=seen.pk)
    assert [event["id"] for event in replayed] == [event.pk for event in missed]
    assert subscribed["last_id"] == missed[-1].pk
    assert not subscribed["truncated"]
    live = await apublish("leopard:12", "note", {"n": "live"})
    assert (await client.receive_json_from(timeout=3))["event"]["id"] == live.pk
    await client.disconnect()


async def test_a_long_absence_replays_the_latest_events_and_says_some_were_left_out(settings):
    settings.LIVE_REPLAY_LIMIT = 2
    events = [await apublish("feed", "note", {"n": n}) for n in range(4)]
    client = await connect()
    replayed, subscribed = await subscribe(client, ["feed"], since=0)
    assert [event["id"] for event in replayed] == [event.pk for event in events[2:]]
    assert subscribed["truncated"]
    await client.disconnect()


async def test_no_event_is_sent_twice_when_replay_and_broadcast_overlap():
    replayed_event = await apublish("feed", "note", {"n": 1})
    client = await connect()
    replayed, _ = await subscribe(client, ["feed"], since=0)
    assert [event["id"] for event in replayed] == [replayed_event.pk]
    # The same event arrives again from the layer (committed while the client subscribed).
    await database_sync_to_async(consumers.services.broadcast)(replayed_event)
    older = await database_sync_to_async(lambda: replayed_event)()
    older.pk = 0  # below the client's cursor: it has it
    await database_sync_to_async(consumers.services.broadcast)(older)
    assert await client.receive_nothing(timeout=0.3)
    fresh = await apublish("feed", "note", {"n": 2})
    assert (await client.receive_json_from(timeout=3))["event"]["id"] == fresh.pk
    await client.disconnect()


async def test_a_client_that_knows_everything_is_sent_nothing_old():
    latest = await apublish("feed", "note", {"n": 1})
    client = await connect()
    replayed, subscribed = await subscribe(client, ["feed"], since=latest.pk)
    assert replayed == []
    assert subscribed["last_id"] == latest.pk
    await client.disconnect()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("not json", consumers.CLOSE_BAD_MESSAGE),
        ("[1, 2]", consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "publish", "topic": "feed", "payload": {}}', consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "subscribe", "topics": "feed"}', consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "subscribe", "topics": []}', consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "subscribe", "topics": ["leopard:1 OR 1=1"]}', consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "subscribe", "topics": ["feed"], "since": -5}', consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "subscribe", "topics": ["feed"], "since": "7"}', consumers.CLOSE_BAD_MESSAGE),
        ('{"type": "subscribe", "topics": ["feed"], "since": true}', consumers.CLOSE_BAD_MESSAGE),
        (
            json.dumps({"type": "subscribe", "topics": [f"slot:{n}" for n in range(9)]}),
            consumers.CLOSE_TOO_MANY_TOPICS,
        ),
        (json.dumps({"type": "pong", "padding": "x" * 3000}), consumers.CLOSE_TOO_BIG),
    ],
)
async def test_a_bad_message_closes_that_connection_only(message, code):
    bystander = await connect()
    await subscribe(bystander, ["feed"])
    hostile = await connect()
    await hostile.send_to(text_data=message)
    assert await closed_with(hostile) == code
    event = await apublish("feed", "note", {"n": 1})
    assert (await bystander.receive_json_from(timeout=3))["event"]["id"] == event.pk
    await bystander.disconnect()


async def test_binary_frames_and_a_second_subscription_are_refused():
    client = await connect()
    await client.send_to(bytes_data=b"\x00\x01")
    assert await closed_with(client) == consumers.CLOSE_BAD_MESSAGE
    client = await connect()
    await subscribe(client, ["feed"])
    await client.send_json_to({"type": "subscribe", "topics": ["slot:1"]})
    assert await closed_with(client) == consumers.CLOSE_BAD_MESSAGE


async def test_a_chatty_client_is_closed(settings):
    settings.LIVE_MAX_CLIENT_MESSAGES = 5
    client = await connect()
    await subscribe(client, ["feed"])
    for _ in range(5):
        await client.send_json_to({"type": "pong"})
    assert await closed_with(client) == consumers.CLOSE_TOO_MANY_MESSAGES


async def test_heartbeats_keep_a_live_client_and_drop_a_silent_one(settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    answering, silent = await connect(), await connect()
    await subscribe(answering, ["feed"])
    await subscribe(silent, ["feed"])
    for _ in range(4):  # 0.8 s: twice the time after which a silent client is dropped
        assert await answering.receive_json_from(timeout=1) == {"type": "heartbeat"}
        await answering.send_json_to({"type": "pong"})
    received = []
    while (message := await silent.receive_output(timeout=1))["type"] != "websocket.close":
        received.append(json.loads(message["text"]))
    assert message["code"] == consumers.CLOSE_IDLE
    assert received and all(item == {"type": "heartbeat"} for item in received)
    await answering.disconnect()


async def test_the_allowed_origins_list_narrows_the_allowed_hosts(settings):
    settings.LIVE_ALLOWED_ORIGINS = ["http://localhost"]
    refused = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN])
    connected, code = await refused.connect()
    assert not connected
    assert code == consumers.CLOSE_ORIGIN
    allowed = await connect(origin=(b"origin", b"http://localhost"))
    await subscribe(allowed, ["feed"])
    await allowed.disconnect()


async def test_a_foreign_origin_is_refused_by_default():
    client = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await client.connect()
    assert not connected
    await asyncio.sleep(0)


async def refused(message):
    """The close code a hostile client gets for `message`; a bystander keeps its events."""
    bystander = await connect()
    await subscribe(bystander, ["feed"])
    hostile = await connect()
    await hostile.send_to(text_data=message)
    code = await closed_with(hostile)
    event = await apublish("feed", "note", {"n": 1})
    assert (await bystander.receive_json_from(timeout=3))["event"]["id"] == event.pk
    await bystander.disconnect()
    return code


async def test_a_topic_with_a_trailing_newline_is_refused():
    message = json.dumps({"type": "subscribe", "topics": ["feed\n"]})
    assert await refused(message) == consumers.CLOSE_BAD_MESSAGE


@pytest.mark.parametrize("beyond", [1, 2**63])
async def test_a_since_beyond_every_event_id_is_refused(beyond):
    # Kept, such a cursor would silently hide the next events from this client.
    latest = await apublish("feed", "note", {"n": 0})
    message = json.dumps({"type": "subscribe", "topics": ["feed"], "since": latest.pk + beyond})
    assert await refused(message) == consumers.CLOSE_BAD_MESSAGE


async def test_deeply_nested_json_is_refused_as_a_bad_message():
    message = "[" * 1020 + "]" * 1020
    assert len(message.encode()) <= consumers.conf.max_message_bytes()
    assert await refused(message) == consumers.CLOSE_BAD_MESSAGE
