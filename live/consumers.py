"""The WebSocket endpoint /ws/live/: read-only, replays what a client missed, then live events.

Protocol (JSON text frames):
  client → {"type": "subscribe", "topics": ["feed", "leopard:12"], "since": 41}   (once)
  server → {"type": "event", "event": {...}} for each missed event in order, then
           {"type": "subscribed", "topics": [...], "last_id": 57, "truncated": false},
           then {"type": "event", ...} as events are published
  server → {"type": "heartbeat"} every LIVE_HEARTBEAT_SECONDS; client → {"type": "pong"}
Anything else from the client closes its connection (codes in CLOSE_*).
"""

import asyncio
import json
import logging
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from cms.request_ids import HEADER, bound, request_id_from
from live import conf, metrics, services
from live.health import watch_for
from live.hub import hub_for

logger = logging.getLogger(__name__)

CLOSE_TRY_LATER = 1013  # the channel layer is down, or the client reads too slowly: retry later
CLOSE_TOO_BIG = 1009
CLOSE_BAD_MESSAGE = 4400
CLOSE_ORIGIN = 4403
CLOSE_IDLE = 4408
CLOSE_TOO_MANY_TOPICS = 4413
CLOSE_TOO_MANY_MESSAGES = 4429

# Ids already sent, kept to drop the overlap between replay and live events; bounded per client.
SENT_IDS_KEPT = 1000

HEARTBEAT = {"type": "websocket.send", "text": '{"type":"heartbeat"}'}


class LiveConsumer(AsyncWebsocketConsumer):
    # No channel per socket: the process's hub (live/hub.py) holds one for all its sockets.
    channel_layer_alias = None

    async def __call__(self, scope, receive, send):
        self.accepted = False
        self.closed = False
        self.topics = ()
        self.heartbeat = None
        self.watch = None
        self.hub = None
        self.writer = None
        # What is logged about this connection carries one request id (the proxy's, if sane).
        headers = dict(scope.get("headers", []))
        request_id = request_id_from(headers.get(HEADER.lower().encode(), b"").decode("latin-1"))
        with bound(request_id):
            try:
                await super().__call__(scope, receive, send)
            except Exception:
                # The channel layer failed (Redis stopped): close this client cleanly so it polls.
                logger.warning("live connection ended by a channel layer error", exc_info=True)
                await self._close_after_failure(receive, send)
            finally:
                self._release()
                if self.writer is not None:
                    self.writer.cancel()
                if self.accepted:
                    metrics.CONNECTIONS.dec()

    async def _close_after_failure(self, receive, send):
        try:
            if not self.accepted:
                message = await receive()
                if message["type"] != "websocket.connect":
                    return
                await send({"type": "websocket.accept"})
            if self.writer is None:
                if not self.closed:
                    self.closed = True
                    await send({"type": "websocket.close", "code": CLOSE_TRY_LATER})
                return
            self._close(CLOSE_TRY_LATER)
            await self.writer  # the close frame goes out after what was queued
        except Exception:
            logger.debug("client gone before it could be told", exc_info=True)

    async def websocket_connect(self, message):
        layer = get_channel_layer()
        self.watch = watch_for(layer)
        self.hub = hub_for(layer)
        await super().websocket_connect(message)

    async def connect(self):
        self.since = 0
        self.sent_ids = set()
        self.subscribed = False
        self.replaying = None  # live events held back while the log is read
        self.outbox = deque()
        self.backlog_limit = conf.send_backlog()
        self.wakeup = None
        self.messages_this_interval = 0
        self.last_heard = time.monotonic()
        if not self._origin_allowed():
            self.closed = True
            await super().close(CLOSE_ORIGIN)
            return
        await self.accept()
        self.accepted = True
        metrics.CONNECTIONS.inc()
        self.writer = asyncio.get_running_loop().create_task(self._write())
        if self.watch.down:
            self._close(CLOSE_TRY_LATER)
            return
        self.watch.register(self)
        self._schedule_heartbeat()

    def _origin_allowed(self):
        allowed = conf.allowed_origins()
        if not allowed:
            return True  # portal.asgi checks the origin against ALLOWED_HOSTS
        origin = dict(self.scope.get("headers", [])).get(b"origin", b"").decode("latin-1")
        return origin in allowed

    async def close(self, code=None, reason=None):
        self._close(code)

    def _close(self, code):
        """Stops live delivery; the close frame replaces whatever still waited to be written
        (the client resumes after the last id it got)."""
        if self.closed:
            return
        self.closed = True
        self._release()
        self.outbox.clear()
        self.outbox.append({"type": "websocket.close", "code": code})
        self._wake_writer()

    def close_unavailable(self):
        self._close(CLOSE_TRY_LATER)

    async def disconnect(self, code):
        self.closed = True
        self._release()

    def _release(self):
        """Leaves the hub's topics, the health watch and the heartbeat; safe to repeat."""
        if self.heartbeat is not None:
            self.heartbeat.cancel()
            self.heartbeat = None
        if self.hub is not None:
            self.hub.leave(self, self.topics)
        if self.watch is not None:
            self.watch.forget(self)

    # To the client: every frame through one writer, in order ---------------------------

    def push(self, event_id, frame):
        """An event from the hub. Never waits: a slow client must not hold up the others."""
        if self.closed:
            return
        if self.replaying is not None:
            self.replaying.append((event_id, frame))
            return
        self._queue_event(event_id, frame)

    def _queue_event(self, event_id, frame):
        if self.closed or event_id <= self.since or event_id in self.sent_ids:
            return
        self.sent_ids.add(event_id)
        if len(self.sent_ids) > 2 * SENT_IDS_KEPT:
            # Late duplicates come within moments; raise the floor under the ids we forget.
            kept = sorted(self.sent_ids)[-SENT_IDS_KEPT:]
            self.since = max(self.since, kept[0] - 1)
            self.sent_ids = set(kept)
        self._queue(frame)

    def _queue(self, frame):
        if self.closed:
            return
        if len(self.outbox) >= self.backlog_limit:
            # The client reads far slower than events come: it reconnects and resumes later.
            logger.info("live client too slow: %d frames waiting", len(self.outbox))
            self._close(CLOSE_TRY_LATER)
            return
        self.outbox.append(frame)
        self._wake_writer()

    def _wake_writer(self):
        if self.wakeup is not None and not self.wakeup.done():
            self.wakeup.set_result(None)

    async def _write(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                while self.outbox:
                    message = self.outbox.popleft()
                    await self.base_send(message)
                    if message["type"] == "websocket.close":
                        return
                self.wakeup = loop.create_future()
                await self.wakeup
        except Exception:
            logger.debug("client gone while being written to", exc_info=True)
            self.closed = True
            self._release()

    def _schedule_heartbeat(self):
        self.heartbeat = asyncio.get_running_loop().call_later(conf.heartbeat_seconds(), self._beat)

    def _beat(self):
        self.heartbeat = None
        if self.closed:
            return
        self.messages_this_interval = 0
        if time.monotonic() - self.last_heard > 2 * conf.heartbeat_seconds():
            self._close(CLOSE_IDLE)
            return
        self._queue(HEARTBEAT)
        if not self.closed:
            self._schedule_heartbeat()

    # From the client ----------------------------------------------------------------------

    async def dispatch(self, message):
        # Skips Channels' close_old_connections before each message, a thread hop per pong
        # (40 a second per 1,000 clients): only the replay reads the database, and
        # database_sync_to_async closes old connections around it already.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"no handler for {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None):
        if self.closed:
            return
        self.last_heard = time.monotonic()
        self.messages_this_interval += 1
        if self.messages_this_interval > conf.max_client_messages():
            await self.close(CLOSE_TOO_MANY_MESSAGES)
            return
        if text_data is None or len(text_data.encode()) > conf.max_message_bytes():
            await self.close(CLOSE_TOO_BIG if text_data is not None else CLOSE_BAD_MESSAGE)
            return
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):  # deep nesting fits in a small message
            message = None
        if not isinstance(message, dict):
            await self.close(CLOSE_BAD_MESSAGE)
            return
        kind = message.get("type")
        if kind == "pong":
            return
        if kind == "subscribe" and not self.subscribed:
            await self.subscribe(message)
            return
        await self.close(CLOSE_BAD_MESSAGE)

    async def subscribe(self, message):
        topics, since = message.get("topics"), message.get("since", 0)
        if since is None:
            since = 0
        if (
            not isinstance(topics, list)
            or not topics
            or not all(services.is_topic(topic) for topic in topics)
            or isinstance(since, bool)
            or not isinstance(since, int)
            or since < 0
        ):
            await self.close(CLOSE_BAD_MESSAGE)
            return
        topics = sorted(set(topics))
        if len(topics) > conf.max_topics():
            await self.close(CLOSE_TOO_MANY_TOPICS)
            return
        self.subscribed = True
        self.topics = topics
        self.since = since
        # Be heard first, then read the log: an event committed in between arrives both ways
        # and is sent once; none falls between the two. Live events that come while the log is
        # read wait until the replay is queued.
        self.replaying = []
        await self.hub.join(self, topics)
        if self.closed:
            return
        replay = await database_sync_to_async(_replay)(topics, since)
        if replay is None:
            await self.close(CLOSE_BAD_MESSAGE)
            return
        missed, truncated = replay
        for event in missed:
            self._queue_event(
                event.pk, {"type": "websocket.send", "text": services.event_text(event)}
            )
        self._queue(
            {
                "type": "websocket.send",
                "text": json.dumps(
                    {
                        "type": "subscribed",
                        "topics": topics,
                        "last_id": max([since, *self.sent_ids]),
                        "truncated": truncated,
                        "heartbeat": conf.heartbeat_seconds(),
                    }
                ),
            }
        )
        held, self.replaying = self.replaying, None
        for event_id, frame in held:
            self._queue_event(event_id, frame)


def _replay(topics, since):
    """What a subscriber missed after `since`; None when `since` is beyond every event's id
    (no page ever gave it: kept, it would hide the next events from this client)."""
    if since > services.latest_id():
        return None
    return services.events_since(topics, since)
