"""The Redis cache: django-redis, with the few operations its IGNORE_EXCEPTIONS misses.

With IGNORE_EXCEPTIONS a Redis outage turns django-redis' operations into misses and no-ops,
but django-redis 7 lets the connection error out of `touch` (part of Django's cache API) and of
its own `ttl`, `expire` and `persist` families. They are covered here the same way: the error is
ignored, logged like the others, and the answer is what a missing key gives. `lock` and the
key and set iterators are left to raise: a lock that silently failed would lock nothing.
"""

import socket

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.cache import omit_exception
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

OUTAGE = (RedisConnectionError, RedisTimeoutError, socket.timeout)


def _covered(name, missing):
    @omit_exception(return_value=missing)
    def operation(self, *args, **kwargs):
        try:
            return getattr(self.client, name)(*args, **kwargs)
        except OUTAGE as exc:
            raise ConnectionInterrupted(connection=None) from exc

    operation.__name__ = operation.__qualname__ = name
    return operation


class RedisCache(DjangoRedisCache):
    touch = _covered("touch", False)
    ttl = _covered("ttl", None)
    pttl = _covered("pttl", None)
    expire = _covered("expire", False)
    pexpire = _covered("pexpire", False)
    expire_at = _covered("expire_at", False)
    pexpire_at = _covered("pexpire_at", False)
    persist = _covered("persist", False)
