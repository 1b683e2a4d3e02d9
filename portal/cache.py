"""A Redis cache that a Redis outage degrades to misses instead of 500s.

Django's RedisCache raises when Redis is away, and Wagtail reads the cache on every page
(site root paths), so without this every page fails until Redis returns.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
# (method, value returned during an outage)
FALLBACKS = {
    "get": None,
    "get_many": {},
    "has_key": False,
    "add": False,
    "incr": None,  # django-ratelimit's counter: None lets the action through (fail open)
    "set": None,
    "set_many": None,
    "touch": False,
    "delete": False,
    "delete_many": None,
    "clear": False,
}


class TolerantRedisCache(RedisCache):
    _warned_at = 0.0

    def _outage(self, operation):
        now = time.monotonic()
        if now - TolerantRedisCache._warned_at > 60:
            TolerantRedisCache._warned_at = now
            logger.warning("cache unavailable (Redis): %s served as a miss", operation)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE:
            self._outage("get")
            return default


def _tolerant(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except OUTAGE:
            self._outage(name)
            return list(args[0]) if name == "set_many" else fallback

    method.__name__ = name
    return method


for _name, _fallback in FALLBACKS.items():
    if _name != "get":
        setattr(TolerantRedisCache, _name, _tolerant(_name, _fallback))
