"""Redis Sentinel for the cache and the channel layer, from the environment (docs/deploy.md).

The settings are read in a fresh process with the environment a deployment would set; then a
real sentinel (redis-server in sentinel mode, started by the test) hands both the cache and the
channel layer the master it watches.
"""

import json
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings

from tests.conftest import free_port

pytestmark = pytest.mark.redis

SHOW_REDIS_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({"caches": settings.CACHES, "layers": settings.CHANNEL_LAYERS}))
"""


def run_django(code, env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REDIS_") and key != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-startup", "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def redis_settings(env):
    result = run_django(SHOW_REDIS_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_cache_and_the_channel_layer_find_the_master_through_the_sentinels():
    config = redis_settings(
        {
            "REDIS_SENTINELS": "10.0.0.1:26379, [fd00::2]:26380,sentinel-c",
            "REDIS_SENTINEL_MASTER": "leopard",
            "REDIS_DB": "3",
            "REDIS_PASSWORD": "master-secret",
            "REDIS_SENTINEL_PASSWORD": "sentinel-secret",
            "CHANNEL_LAYER_PREFIX": "asgi-prod",
        }
    )
    sentinels = [["10.0.0.1", 26379], ["fd00::2", 26380], ["sentinel-c", 26379]]
    cache = config["caches"]["default"]
    assert cache["BACKEND"] == "portal.cache.RedisCache"
    assert cache["LOCATION"] == "redis://leopard/3"
    options = cache["OPTIONS"]
    assert options["CLIENT_CLASS"] == "django_redis.client.SentinelClient"
    assert options["CONNECTION_FACTORY"] == "django_redis.pool.SentinelConnectionFactory"
    assert options["SENTINELS"] == sentinels
    assert options["SENTINEL_KWARGS"] == {"password": "sentinel-secret"}
    assert options["PASSWORD"] == "master-secret"
    assert options["IGNORE_EXCEPTIONS"] is True
    layer = config["layers"]["default"]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layer["CONFIG"] == {
        "hosts": [
            {
                "sentinels": sentinels,
                "master_name": "leopard",
                "sentinel_kwargs": {"password": "sentinel-secret"},
                "db": 3,
                "password": "master-secret",
            }
        ],
        "prefix": "asgi-prod",
    }


def test_one_redis_server_is_named_by_its_url():
    config = redis_settings({"REDIS_URL": "redis://10.0.0.5:6379/4"})
    cache = config["caches"]["default"]
    assert cache["LOCATION"] == "redis://10.0.0.5:6379/4"
    assert "SENTINELS" not in cache["OPTIONS"]
    assert config["layers"]["default"]["CONFIG"]["hosts"] == ["redis://10.0.0.5:6379/4"]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"REDIS_SENTINELS": "10.0.0.1:26379"}, "REDIS_SENTINEL_MASTER"),
        (
            {
                "REDIS_SENTINELS": "10.0.0.1:26379",
                "REDIS_SENTINEL_MASTER": "leopard",
                "REDIS_URL": "redis://10.0.0.5:6379/0",
            },
            "not both",
        ),
        ({"REDIS_SENTINELS": "10.0.0.1:port", "REDIS_SENTINEL_MASTER": "leopard"}, "host:port"),
    ],
    ids=["no-master-name", "url-and-sentinels", "bad-port"],
)
def test_an_incomplete_sentinel_setting_stops_the_start_with_a_clear_error(env, says):
    result = run_django(SHOW_REDIS_SETTINGS, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert says in result.stderr


@pytest.fixture
def sentinel(redis_server, tmp_path):
    """A sentinel watching the test's own redis-server under the name "leopard"."""
    port = free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor leopard 127.0.0.1 {redis_server.port} 1\n"
    )
    process = subprocess.Popen(
        [redis_server.binary, str(conf), "--sentinel"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5, decode_responses=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            if client.sentinel_get_master_addr_by_name("leopard"):
                break
        except redis.RedisError:
            pass
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail("the sentinel did not come up")
        time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


ROUND_TRIP = """
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

cache.set("through-the-sentinel", "yes", 60)
print("cache:", cache.get("through-the-sentinel"))

async def round_trip():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("sentinel-check", channel)
    await layer.group_send("sentinel-check", {"type": "check.message", "text": "heard"})
    return await layer.receive(channel)

print("layer:", async_to_sync(round_trip)()["text"])
"""


def test_a_real_sentinel_leads_the_cache_and_the_layer_to_the_master(redis_server, sentinel):
    result = run_django(
        ROUND_TRIP,
        {"REDIS_SENTINELS": f"127.0.0.1:{sentinel}", "REDIS_SENTINEL_MASTER": "leopard"},
    )
    assert result.returncode == 0, result.stderr
    assert "cache: yes" in result.stdout
    assert "layer: heard" in result.stdout
    master = redis.Redis(port=redis_server.port)
    assert master.get("leopard:1:through-the-sentinel") is not None
