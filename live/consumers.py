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

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from live import conf, services
from live.health import watch_for

logger = logging.getLogger(__name__)

CLOSE_TRY_LATER = 1013  # the channel layer is down: poll, retry later
CLOSE_TOO_BIG = 1009
CLOSE_BAD_MESSAGE = 4400
CLOSE_ORIGIN = 4403
CLOSE_IDLE = 4408
CLOSE_TOO_MANY_TOPICS = 4413
CLOSE_TOO_MANY_MESSAGES = 4429

# Ids already sent, kept to drop the overlap between replay and live events; bounded per client.
SENT_IDS_KEPT = 1000


class LiveConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        self.accepted = False
        self.closed = False
        self.topics = ()
        self.heartbeat = None
        self.watch = None
        try:
            await super().__call__(scope, receive, send)
        except Exception:
            # The channel layer failed (Redis stopped): close this client cleanly so it polls.
            logger.warning("live connection ended by a channel layer error", exc_info=True)
            await self._close_after_failure(receive, send)
        finally:
            self._stop_heartbeat()
            if self.watch is not None:
                self.watch.forget(self)

    async def _close_after_failure(self, receive, send):
        try:
            if not self.accepted:
                message = await receive()
                if message["type"] != "websocket.connect":
                    return
                await send({"type": "websocket.accept"})
            if not self.closed:
                self.closed = True
                await send({"type": "websocket.close", "code": CLOSE_TRY_LATER})
        except Exception:
            logger.debug("client gone before it could be told", exc_info=True)

    async def websocket_connect(self, message):
        self.watch = watch_for(self.channel_layer)
        await super().websocket_connect(message)

    async def connect(self):
        self.since = 0
        self.sent_ids = set()
        self.subscribed = False
        self.messages_this_interval = 0
        self.last_heard = time.monotonic()
        if not self._origin_allowed():
            await self.close(CLOSE_ORIGIN)
            return
        await self.accept()
        self.accepted = True
        if self.watch.down:
            await self.close(CLOSE_TRY_LATER)
            return
        self.watch.register(self)
        self.heartbeat = asyncio.get_running_loop().create_task(self._beat())

    def _origin_allowed(self):
        allowed = conf.allowed_origins()
        if not allowed:
            return True  # portal.asgi checks the origin against ALLOWED_HOSTS
        origin = dict(self.scope.get("headers", [])).get(b"origin", b"").decode("latin-1")
        return origin in allowed

    async def close(self, code=None, reason=None):
        if self.closed:
            return
        self.closed = True
        self._stop_heartbeat()
        await super().close(code)

    async def close_unavailable(self):
        try:
            await self.close(CLOSE_TRY_LATER)
        except Exception:
            logger.debug("client gone before it could be told", exc_info=True)

    async def disconnect(self, code):
        self.closed = True
        self._stop_heartbeat()
        for topic in self.topics:
            try:
                await self.channel_layer.group_discard(
                    services.group_name(topic), self.channel_name
                )
            except Exception:
                logger.debug("group_discard failed; the layer is down", exc_info=True)

    def _stop_heartbeat(self):
        if self.heartbeat is not None and self.heartbeat is not asyncio.current_task():
            self.heartbeat.cancel()
        self.heartbeat = None

    async def _beat(self):
        interval = conf.heartbeat_seconds()
        while not self.closed:
            await asyncio.sleep(interval)
            self.messages_this_interval = 0
            if time.monotonic() - self.last_heard > 2 * interval:
                await self.close(CLOSE_IDLE)
                return
            await self.send(text_data='{"type":"heartbeat"}')

    # From the client ----------------------------------------------------------------------

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
        except ValueError:
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
        # Join the groups first, then read the log: an event committed in between arrives both
        # ways and is sent once; none falls between the two.
        for topic in topics:
            await self.channel_layer.group_add(services.group_name(topic), self.channel_name)
        missed, truncated = await database_sync_to_async(services.events_since)(topics, since)
        for event in missed:
            await self._send_event(event.pk, services.event_text(event))
        await self.send(
            text_data=json.dumps(
                {
                    "type": "subscribed",
                    "topics": topics,
                    "last_id": max([since, *self.sent_ids]),
                    "truncated": truncated,
                    "heartbeat": conf.heartbeat_seconds(),
                }
            )
        )

    # From the channel layer ---------------------------------------------------------------

    async def dispatch(self, message):
        if message["type"] == "live.event":
            # Touches no database: skip Channels' per-message close_old_connections, a thread
            # hop that, times a thousand clients per event, was most of the fan-out's cost.
            await self.live_event(message)
            return
        await super().dispatch(message)

    async def live_event(self, message):
        await self._send_event(message["id"], message["text"])

    async def _send_event(self, event_id, text):
        if self.closed or event_id <= self.since or event_id in self.sent_ids:
            return
        self.sent_ids.add(event_id)
        if len(self.sent_ids) > 2 * SENT_IDS_KEPT:
            # Late duplicates come within moments; raise the floor under the ids we forget.
            kept = sorted(self.sent_ids)[-SENT_IDS_KEPT:]
            self.since = max(self.since, kept[0] - 1)
            self.sent_ids = set(kept)
        await self.send(text_data=text)
