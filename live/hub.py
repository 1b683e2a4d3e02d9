"""One channel-layer channel per server process, shared by all its WebSocket clients.

A socket does not join channel-layer groups itself. The process's hub joins the group of a
topic (`live.<topic>`) when the first local socket follows it and leaves it when the last one
goes; each event then crosses the layer once per process (one Redis message) and the hub hands
the same frame to its sockets in a plain loop. A socket gets frames through `socket.push()`,
which never waits: a socket that reads slowly delays nobody else (see consumers.LiveConsumer).

Group changes of a topic run one after the other (a leave, then a join that follows it), so
the layer sees them in the order they were made.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import weakref

from live import services

logger = logging.getLogger(__name__)

# Group memberships expire in the layers (a day by default): the hub renews its own while it runs.
REJOIN_SECONDS = 3600

_hubs = weakref.WeakKeyDictionary()


class Group:
    """The local sockets following one topic, and the layer operation that makes them heard."""

    def __init__(self):
        self.sockets = set()
        self.joined = None  # the task of group_add


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.groups = {}  # topic -> Group
        self.channel_name = None
        self._channel = None  # the task creating the channel and then receiving on it
        self._renewal = None
        self._opened = None  # resolved with the channel name
        self._leaving = {}  # topic -> the task of group_discard still running

    # Sockets ------------------------------------------------------------------------------

    async def join(self, socket, topics):
        """Adds a socket to its topics; returns once this process receives their events.

        Raises what the layer raised when it could not join (Redis down): the socket closes.
        """
        waits = []
        for topic in topics:
            group = self.groups.get(topic)
            if group is None:
                group = self.groups[topic] = Group()
                group.joined = asyncio.ensure_future(
                    self._group_add(topic, group, after=self._leaving.get(topic))
                )
            group.sockets.add(socket)
            waits.append((topic, group))
        for topic, group in waits:
            try:
                # shield: a socket that goes away does not cancel the join of the others.
                await asyncio.shield(group.joined)
            except Exception:
                if self.groups.get(topic) is group:
                    del self.groups[topic]  # the next socket tries again
                self._stop_if_idle()
                raise

    def leave(self, socket, topics):
        """Removes a socket; the hub leaves a topic's group with its last local socket."""
        for topic in topics:
            group = self.groups.get(topic)
            if group is None or socket not in group.sockets:
                continue
            group.sockets.discard(socket)
            if not group.sockets:
                del self.groups[topic]
                task = asyncio.ensure_future(self._group_discard(topic, group.joined))
                self._leaving[topic] = task
                task.add_done_callback(lambda done, topic=topic: self._forget_leave(topic, done))
        self._stop_if_idle()

    def sockets_of(self, topic):
        group = self.groups.get(topic)
        return set(group.sockets) if group else set()

    async def rejoin(self):
        """Joins every followed topic's group again (the layer's Redis was restarted, or the
        membership is getting old); joining twice is harmless."""
        for topic, group in list(self.groups.items()):
            if group.joined is not None and not group.joined.done():
                continue
            try:
                await self.layer.group_add(services.group_name(topic), await self._opened_name())
            except Exception:
                logger.warning("could not join %s again", topic, exc_info=True)

    # Layer ----------------------------------------------------------------------------------

    async def _opened_name(self):
        if self._opened is None:
            loop = asyncio.get_running_loop()
            self._opened = loop.create_future()
            # The process's own tasks, not the first socket's: what they log carries no
            # connection's request id (an empty context).
            self._channel = loop.create_task(
                self._receive(self._opened), context=contextvars.Context()
            )
            self._renewal = loop.create_task(self._renew(), context=contextvars.Context())
        return await asyncio.shield(self._opened)

    async def _group_add(self, topic, group, after):
        """Joins a topic's group after the leave before it; returns the channel that joined."""
        if after is not None:
            with contextlib.suppress(Exception):
                await after
        if self.groups.get(topic) is not group:
            raise ConnectionAbortedError("every socket of this topic has gone")
        channel_name = await self._opened_name()
        await self.layer.group_add(services.group_name(topic), channel_name)
        return channel_name

    async def _group_discard(self, topic, joined):
        try:
            channel_name = await joined
        except Exception:
            return  # it never joined
        try:
            await self.layer.group_discard(services.group_name(topic), channel_name)
        except Exception:
            logger.debug("group_discard failed; the layer is down", exc_info=True)

    def _forget_leave(self, topic, task):
        if self._leaving.get(topic) is task:
            del self._leaving[topic]

    def _stop_if_idle(self):
        """Without sockets the hub holds no channel (and no Redis subscription)."""
        if self.groups or self._channel is None:
            return
        if not self._opened.done():
            # A join still waiting for the channel belongs to a socket that has gone.
            self._opened.set_exception(ConnectionAbortedError("the live hub has no sockets"))
        self._channel.cancel()
        self._renewal.cancel()
        self._channel = self._opened = self._renewal = None
        self.channel_name = None

    async def _receive(self, opened):
        try:
            self.channel_name = await self.layer.new_channel()
        except Exception as error:
            if not opened.done():
                opened.set_exception(error)
            if self._opened is opened:
                self._renewal.cancel()
                self._channel = self._opened = self._renewal = None
            return
        opened.set_result(self.channel_name)
        channel_name = self.channel_name
        while True:
            try:
                message = await self.layer.receive(channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The layer's Redis is away: the health watch closes the sockets meanwhile.
                logger.warning("live hub could not receive", exc_info=True)
                await asyncio.sleep(1)
                continue
            if message.get("type") == "live.event":
                self.deliver(message)

    async def _renew(self):
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            await self.rejoin()

    def deliver(self, message):
        """Hands one event to the local sockets of its topic: one frame for all of them."""
        topic = message.get("topic")
        if topic is None:  # sent by a process of the previous release
            topic = json.loads(message["text"])["event"]["topic"]
        group = self.groups.get(topic)
        if group is None:
            return
        frame = {"type": "websocket.send", "text": message["text"]}
        for socket in tuple(group.sockets):
            socket.push(message["id"], frame)


def hub_for(layer):
    """The hub of this event loop (one per server process) and channel layer."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = Hub(layer)
    return hub
