"""Watches the channel layer from each server process, so clients learn when it is down.

With Redis pub/sub a consumer waiting for group messages never sees Redis go away: it would just
stop receiving. One watch per process and event loop pings the layer's Redis every second on a
connection of its own (not the layer's, whose lock is busy while many clients subscribe); after
two failed pings in a row it closes its WebSocket clients (they poll the event log meanwhile)
and refuses new ones until a ping succeeds again.
"""

import asyncio
import contextvars
import logging
import weakref

from channels import DEFAULT_CHANNEL_LAYER
from django.conf import settings

from live import conf

logger = logging.getLogger(__name__)

FAILURES_BEFORE_DOWN = 2

_watches = weakref.WeakKeyDictionary()


class LayerWatch:
    def __init__(self, layer):
        self.layer = layer
        self.down = False
        self.failures = 0
        self.consumers = set()
        self._task = None
        self._clients = None

    def register(self, consumer):
        self.consumers.add(consumer)
        if self._task is None and self._redis_hosts():
            # The process's watch, not this socket's: no request id in its context.
            self._task = asyncio.get_running_loop().create_task(
                self._watch(), context=contextvars.Context()
            )

    @staticmethod
    def _redis_hosts():
        """The Redis hosts of the channel layer; none for the in-memory layer."""
        config = settings.CHANNEL_LAYERS.get(DEFAULT_CHANNEL_LAYER, {})
        if "channels_redis" not in config.get("BACKEND", ""):
            return []
        return config.get("CONFIG", {}).get("hosts", [])

    def forget(self, consumer):
        self.consumers.discard(consumer)

    async def probe(self):
        if self._clients is None:
            from channels_redis.utils import create_pool, decode_hosts
            from redis import asyncio as aioredis

            self._clients = [
                aioredis.Redis(connection_pool=create_pool(host))
                for host in decode_hosts(self._redis_hosts())
            ]
        timeout = 2 * conf.layer_check_seconds()
        for client in self._clients:
            await asyncio.wait_for(client.ping(), timeout=timeout)

    async def _watch(self):
        while True:
            await asyncio.sleep(conf.layer_check_seconds())
            try:
                await self.probe()
            except Exception:
                self.failures += 1
                if self.failures < FAILURES_BEFORE_DOWN:
                    continue
                if not self.down:
                    logger.warning(
                        "channel layer unavailable: closing %d live clients (they poll)",
                        len(self.consumers),
                    )
                self.down = True
                for consumer in list(self.consumers):
                    consumer.close_unavailable()
            else:
                if self.down:
                    logger.warning("channel layer available again")
                if self.failures:
                    # A restarted Redis forgot the hub's group memberships (RedisChannelLayer
                    # keeps them in Redis): join again.
                    from live.hub import hub_for

                    await hub_for(self.layer).rejoin()
                self.down = False
                self.failures = 0


def watch_for(layer):
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None or watch.layer is not layer:
        watch = _watches[loop] = LayerWatch(layer)
    return watch
