"""The per-process hub (live/hub.py): one group membership per process and topic, whatever the
number of its sockets; replay then live with nothing twice and nothing missed; a client that
stops reading delays nobody.

Group memberships are read from each layer's own records: the in-memory layer's dict, Redis's
sorted set for RedisChannelLayer, and RedisPubSubChannelLayer's map of groups to channels.
"""

import asyncio
import json
import socket

import pytest
import redis.asyncio
import websockets
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from channels_redis.core import RedisChannelLayer
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from live import consumers, publish, services
from live.hub import hub_for
from portal.asgi import application
from tests.conftest import RedisServer

LAYERS = {
    "in-memory": "channels.layers.InMemoryChannelLayer",
    "redis": "channels_redis.core.RedisChannelLayer",
    "redis-pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}

ORIGIN = (b"origin", b"http://127.0.0.1")

apublish = sync_to_async(publish)


@pytest.fixture(params=list(LAYERS))
def layer(request, settings, live_db):
    """The channel layer of this process: each kind in turn, the Redis ones on a private Redis."""
    server = None
    config = {"BACKEND": LAYERS[request.param]}
    if request.param != "in-memory":
        server = RedisServer().start()
        config["CONFIG"] = {"hosts": [server.url]}
    settings.CHANNEL_LAYERS = {"default": config}
    yield server
    if server is not None:
        server.stop()


async def group_members(topic, server):
    """The channel names in a topic's group, as the layer records them."""
    layer = get_channel_layer()
    group = services.group_name(topic)
    if isinstance(layer, InMemoryChannelLayer):
        return set(layer.groups.get(group, {}))
    if isinstance(layer, RedisChannelLayer):
        client = redis.asyncio.Redis.from_url(server.url)
        try:
            return {name.decode() for name in await client.zrange(layer._group_key(group), 0, -1)}
        finally:
            await client.aclose()
    loop_layer = layer._get_layer()
    return set(loop_layer.groups.get(loop_layer._get_group_channel_name(group), set()))


async def eventually(condition, seconds=10):
    """Waits until an async condition holds (leaving a group is not awaited by the socket)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("the condition did not hold")
        await asyncio.sleep(0.02)


async def connect():
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def subscribe(communicator, topics, since=None):
    await communicator.send_json_to({"type": "subscribe", "topics": topics, "since": since})
    replayed = []
    while True:
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == "subscribed":
            return replayed, message
        replayed.append(message["event"])


async def test_the_sockets_of_a_process_share_one_membership_of_each_group(layer):
    clients = [await connect() for _ in range(5)]
    for client in clients:
        await subscribe(client, ["feed", "leopard:12"])
    hub = hub_for(get_channel_layer())
    assert len(hub.sockets_of("feed")) == 5
    assert await group_members("feed", layer) == {hub.channel_name}
    assert await group_members("leopard:12", layer) == {hub.channel_name}

    event = await apublish("feed", "note", {"n": 1})
    for client in clients:
        assert (await client.receive_json_from(timeout=5))["event"]["id"] == event.pk
    for client in clients:
        assert await client.receive_nothing(timeout=0.2)  # once each
        await client.disconnect()


async def test_the_last_socket_to_leave_takes_the_process_out_of_the_group(layer):
    first, second = await connect(), await connect()
    await subscribe(first, ["feed"])
    await subscribe(second, ["feed", "slot:3"])
    hub = hub_for(get_channel_layer())
    channel = hub.channel_name

    await second.disconnect()

    async def left_slot():
        return await group_members("slot:3", layer) == set()

    await eventually(left_slot)
    assert await group_members("feed", layer) == {channel}
    assert hub.sockets_of("slot:3") == set()

    await first.disconnect()

    async def left_feed():
        return await group_members("feed", layer) == set()

    await eventually(left_feed)
    assert hub.channel_name is None  # no sockets, no channel held

    again = await connect()
    await subscribe(again, ["feed"])
    assert await group_members("feed", layer) == {hub.channel_name}
    event = await apublish("feed", "note", {"n": "after rejoining"})
    assert (await again.receive_json_from(timeout=5))["event"]["id"] == event.pk
    await again.disconnect()


@pytest.mark.parametrize("topic_followed_already", [True, False])
async def test_a_socket_subscribing_mid_stream_gets_the_replay_then_live_events_once_each(
    layer, monkeypatch, topic_followed_already
):
    if topic_followed_already:
        watcher = await connect()
        await subscribe(watcher, ["feed"])
    before = [await apublish("feed", "note", {"n": n}) for n in range(3)]
    read_log = services.events_since
    published = {}

    def events_since_while_others_publish(topics, since, limit=None):
        # One event commits after the socket was joined and before the log is read: it comes
        # both ways. Another commits after the read: it comes live only.
        published["during"] = publish("feed", "note", {"n": "during the replay"})
        found = read_log(topics, since, limit)
        published["after"] = publish("feed", "note", {"n": "after the replay"})
        return found

    monkeypatch.setattr(services, "events_since", events_since_while_others_publish)
    late = await connect()
    replayed, subscribed = await subscribe(late, ["feed"], since=before[0].pk)
    monkeypatch.setattr(services, "events_since", read_log)

    during, after = published["during"], published["after"]
    assert [event["id"] for event in replayed] == [before[1].pk, before[2].pk, during.pk]
    assert subscribed["last_id"] == during.pk
    live = await apublish("feed", "note", {"n": "live"})
    received = [(await late.receive_json_from(timeout=5))["event"]["id"] for _ in range(2)]
    assert received == [after.pk, live.pk]
    assert await late.receive_nothing(timeout=0.3)
    await late.disconnect()
    if topic_followed_already:
        everything = [*(event.pk for event in before), during.pk, after.pk, live.pk]
        watched = [(await watcher.receive_json_from(timeout=5))["event"]["id"] for _ in everything]
        assert watched == everything
        assert await watcher.receive_nothing(timeout=0.3)
        await watcher.disconnect()


async def test_a_socket_closed_by_a_bad_message_leaves_the_others_subscribed(layer):
    staying, leaving = await connect(), await connect()
    await subscribe(staying, ["feed"])
    await subscribe(leaving, ["feed"])
    await leaving.send_to(text_data="not json")
    assert (await leaving.receive_output(timeout=5))["code"] == consumers.CLOSE_BAD_MESSAGE
    hub = hub_for(get_channel_layer())

    async def one_left():
        return len(hub.sockets_of("feed")) == 1

    await eventually(one_left)
    event = await apublish("feed", "note", {"n": 1})
    assert (await staying.receive_json_from(timeout=5))["event"]["id"] == event.pk
    await staying.disconnect()


class Listener:
    """What the hub asks of a socket: push(event id, frame)."""

    def __init__(self):
        self.ids = []

    def push(self, event_id, frame):
        self.ids.append(event_id)


async def test_a_socket_gone_while_its_topic_was_being_joined_leaves_nothing_behind(layer):
    hub = hub_for(get_channel_layer())
    gone, next_one = Listener(), Listener()
    joining = asyncio.ensure_future(hub.join(gone, ["feed"]))
    await asyncio.sleep(0)  # the join has begun: the group is being joined
    hub.leave(gone, ["feed"])
    with pytest.raises(ConnectionAbortedError):
        await joining
    assert hub.channel_name is None

    await asyncio.wait_for(hub.join(next_one, ["feed"]), timeout=10)
    assert await group_members("feed", layer) == {hub.channel_name}
    event = await apublish("feed", "note", {"n": 1})

    async def received():
        return next_one.ids == [event.pk]

    await eventually(received)
    assert gone.ids == []
    hub.leave(next_one, ["feed"])

    async def left():
        return await group_members("feed", layer) == set()

    await eventually(left)


class StalledClient:
    """A WebSocket client over a plain socket that stops reading after it has subscribed."""

    def __init__(self, server):
        self.url = server.url.replace("http://", "ws://") + "/ws/live/"
        self.sock = socket.socket()
        # A small receive window: the server's buffers fill after a few frames.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(30)
        self.sock.connect(("127.0.0.1", server.port))
        self.protocol = ClientProtocol(parse_uri(self.url), origin=server.url, max_size=None)
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def _flush(self):
        self.sock.sendall(b"".join(self.protocol.data_to_send()))

    def read(self, until):
        """Reads until `until(event)` holds for a received event (the handshake's response or
        a frame), or the connection ends; returns the frames read."""
        frames = []
        while True:
            data = self.sock.recv(65536)
            if data:
                self.protocol.receive_data(data)
            else:
                self.protocol.receive_eof()
            for event in self.protocol.events_received():
                if not isinstance(event, Response):
                    frames.append(event)
                if until(event):
                    return frames
            if not data:
                return frames

    def subscribe(self, topics):
        self.read(until=lambda event: isinstance(event, Response))
        assert self.protocol.handshake_exc is None
        self.protocol.send_text(json.dumps({"type": "subscribe", "topics": topics}).encode())
        self._flush()
        self.read(until=lambda event: getattr(event, "data", b"").startswith(b'{"type": "sub'))


async def test_a_client_that_stops_reading_delays_nobody_and_is_closed_to_retry_later(
    asgi_server_factory, redis_layer
):
    # The server keeps at most 5 frames waiting for a client (LIVE_SEND_BACKLOG).
    server = await sync_to_async(asgi_server_factory)(
        REDIS_URL=redis_layer.url, DJANGO_SETTINGS_MODULE="tests.live.small_backlog_settings"
    )
    stalled = await sync_to_async(StalledClient)(server)
    await sync_to_async(stalled.subscribe)(["feed"])
    # A client that reads all the time (its library queues whatever arrives: max_queue=None).
    reader = await websockets.connect(
        server.url.replace("http://", "ws://") + "/ws/live/",
        origin=server.url,
        max_size=None,
        max_queue=None,
    )
    await reader.send(json.dumps({"type": "subscribe", "topics": ["feed"]}))
    assert json.loads(await asyncio.wait_for(reader.recv(), timeout=10))["type"] == "subscribed"

    # About 7 MB of events, more than the kernel and the server can buffer for the stalled one.
    padding = "x" * 60_000
    events = [await apublish("feed", "note", {"n": n, "padding": padding}) for n in range(120)]

    got = []
    while len(got) < len(events):
        message = json.loads(await asyncio.wait_for(reader.recv(), timeout=15))
        if message["type"] == "event":
            got.append(message["event"]["id"])
    assert got == [event.pk for event in events]
    await reader.close()

    frames = await sync_to_async(stalled.read)(until=lambda frame: frame.opcode is Opcode.CLOSE)
    assert frames[-1].opcode is Opcode.CLOSE
    assert int.from_bytes(frames[-1].data[:2], "big") == consumers.CLOSE_TRY_LATER
    ids = [
        json.loads(frame.data)["event"]["id"]
        for frame in frames
        if frame.opcode is Opcode.TEXT and frame.data.startswith(b'{"type": "event"')
    ]
    assert ids == [event.pk for event in events[: len(ids)]]  # in order, then cut off
    assert len(ids) < len(events)
    stalled.sock.close()
