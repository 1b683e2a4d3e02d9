"""Health checks for load balancers: /health/live and /health/ready (answered by cms.operations).

live: the process answers; nothing else is touched. ready: the database answers, the cache
stores and returns a value, the channel layer's Redis answers, and every migration is applied.
The answer is small JSON naming each check "ok" or "failed" (never an error text: it could hold
a host or a password; the failure is logged instead), 200 when all are ok, else 503, and never
cached. The migration plan is costly to compute (every migration file is read), so it is
computed until it first comes out empty and then trusted for the life of the process: code and
migrations only change with a new process.
"""

import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.http import JsonResponse

logger = logging.getLogger(__name__)

_migrations_applied = False


def check_database():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache():
    from django.core.cache import cache

    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    # The Redis cache ignores its errors (an outage reads as a miss): a value that does not
    # come back is the failure.
    if cache.get(key) != value:
        raise ConnectionError("the cache did not return what was stored")
    cache.delete(key)


def check_migrations():
    global _migrations_applied
    if _migrations_applied:
        return
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("migrations are not applied")
    _migrations_applied = True


async def check_channel_layer():
    """Pings each Redis host of a channels-redis layer (the in-memory layer needs nothing)."""
    config = settings.CHANNEL_LAYERS.get("default", {})
    if "channels_redis" not in config.get("BACKEND", ""):
        return
    from channels_redis.utils import create_pool, decode_hosts
    from redis import asyncio as aioredis

    timeout = 2 * getattr(settings, "REDIS_SOCKET_TIMEOUT", 1.0)
    for host in decode_hosts(config.get("CONFIG", {}).get("hosts")):
        client = aioredis.Redis(connection_pool=create_pool(host))
        try:
            await asyncio.wait_for(client.ping(), timeout=timeout)
        finally:
            await client.aclose(close_connection_pool=True)


SYNC_CHECKS = {"database": check_database, "cache": check_cache, "migrations": check_migrations}


def _run(name, check):
    try:
        check()
    except Exception as exc:
        logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        return "failed"
    return "ok"


def _sync_results():
    return {name: _run(name, check) for name, check in SYNC_CHECKS.items()}


async def _channel_layer_result():
    try:
        await check_channel_layer()
    except Exception as exc:
        logger.warning("readiness check channel_layer failed: %s: %s", type(exc).__name__, exc)
        return "failed"
    return "ok"


def _response(checks):
    ready = all(result == "ok" for result in checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def live():
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response


def ready():
    checks = _sync_results()
    checks["channel_layer"] = async_to_sync(_channel_layer_result)()
    return _response(checks)


async def aready():
    checks = await sync_to_async(_sync_results)()
    checks["channel_layer"] = await _channel_layer_result()
    return _response(checks)
