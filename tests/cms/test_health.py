"""/health/live and /health/ready for load balancers (cms/health.py, cms/operations.py)."""

import time

import httpx
import pytest
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from cms import health

CHECKS = {"database", "cache", "channel_layer", "migrations"}


@pytest.fixture
def unproven_migrations(monkeypatch):
    """The readiness check computes the migration plan again (a fresh process would)."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def assert_plain_answer(response):
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Request-ID"]


def test_live_answers_without_touching_the_database(client):
    # No database fixture: any query would fail this test.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert_plain_answer(response)


def test_ready_when_database_cache_layer_and_migrations_answer(client, db, unproven_migrations):
    response = client.get("/health/ready")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
    assert_plain_answer(response)
    assert health._migrations_applied  # computed once, then trusted by this process


def test_an_unapplied_migration_makes_the_machine_unready(client, db, unproven_migrations):
    from django.db import connection

    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()[0]
    MigrationRecorder.Migration.objects.filter(app=leaf[0], name=leaf[1]).delete()

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok", "migrations": "failed"},
    }
    assert_plain_answer(response)
    assert not health._migrations_applied
    assert client.get("/health/live").status_code == 200


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_a_load_balancer_reaches_them_by_address_over_plain_http(db, settings, path):
    """Not one of ALLOWED_HOSTS, not https, no language prefix: answered all the same."""
    settings.ALLOWED_HOSTS = ["leopard.example"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client(raise_request_exception=False)
    assert client.get("/ru/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # the site refuses
    response = client.get(path, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200, response.content
    assert client.get(path, HTTP_HOST="leopard.example").status_code == 200


def test_health_checks_are_not_rate_limited(client, db, settings):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "1/h"
    assert all(client.get("/health/ready").status_code == 200 for _ in range(5))


def wait_for_status(http, path, status):
    deadline = time.monotonic() + 20
    while (response := http.get(path)).status_code != status and time.monotonic() < deadline:
        time.sleep(0.2)
    return response


@pytest.mark.redis
def test_ready_says_503_while_redis_is_down_and_200_when_it_is_back(
    asgi_server_factory, redis_server
):
    server = asgi_server_factory(REDIS_URL=redis_server.url)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        ready = http.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == dict.fromkeys(CHECKS, "ok")

        redis_server.stop()
        down = http.get("/health/ready")
        assert down.status_code == 503
        assert down.json() == {
            "status": "unavailable",
            "checks": {
                "database": "ok",
                "cache": "failed",
                "channel_layer": "failed",
                "migrations": "ok",
            },
        }
        assert str(redis_server.port) not in down.text  # no error text, no address
        assert down.headers["Cache-Control"] == "no-store"
        live = http.get("/health/live")
        assert live.status_code == 200
        assert live.json() == {"status": "ok"}

        redis_server.start()
        back = wait_for_status(http, "/health/ready", 200)
        assert back.status_code == 200, back.text
