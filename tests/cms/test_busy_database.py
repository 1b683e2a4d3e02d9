"""Production pools its database connections; a request that cannot get one in time gets a
503 page in the visitor's language with Retry-After, never a 500."""

import json
import secrets

import httpx
import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext
from psycopg_pool import PoolTimeout

from cms import busy, views
from tests.cms.test_settings import run_manage
from tests.conftest import database_url
from tests.pages import build_site_tree

SHOW_DATABASE = (
    "from django.conf import settings; import json; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'pool': db['OPTIONS'].get('pool'), 'age': db['CONN_MAX_AGE']}))"
)


def database_settings(**env):
    result = run_manage("shell", "-c", SHOW_DATABASE, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pools_connections_by_default():
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "leopard.example.org",
        "DATABASE_URL": "postgres://leopard@db.example:5432/leopard",
    }
    assert database_settings(**production) == {
        "pool": {"min_size": 2, "max_size": 10, "timeout": 10.0},
        "age": 0,
    }
    sized = database_settings(**production, DATABASE_POOL_MAX="4", DATABASE_POOL_TIMEOUT="2.5")
    assert sized["pool"] == {"min_size": 2, "max_size": 4, "timeout": 2.5}
    assert database_settings(**production, DATABASE_POOL_MAX="0")["pool"] is None


def raised(exception):
    """What the 500 handler sees: the exception being handled."""
    request = RequestFactory().get("/en/")
    try:
        raise exception
    except Exception:
        return views.server_error(request)


def test_the_500_handler_answers_a_pool_timeout_with_the_busy_page():
    with translation.override("zh-hans"):
        wrapped = OperationalError("couldn't get a connection after 10.00 sec")
        wrapped.__cause__ = PoolTimeout("couldn't get a connection after 10.00 sec")
        response = raised(wrapped)
        assert response.status_code == 503
        assert response["Retry-After"] == str(busy.RETRY_AFTER_SECONDS)
        assert gettext("The site is very busy") in response.content.decode()
        assert gettext("The site is very busy") != "The site is very busy"
        # Any other database error stays a 500.
        assert raised(OperationalError("server closed the connection")).status_code == 500


@pytest.fixture
def role_at_its_limit(live_db):
    """A database role that may hold one connection, and that one connection taken: the
    server's pool can get none, as when every connection PostgreSQL allows is in use."""
    name = f"{connection.settings_dict['NAME']}_pool_test"[:60]
    admin_url = database_url()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP ROLE IF EXISTS "{name}"')
        admin.execute(f'CREATE ROLE "{name}" LOGIN CONNECTION LIMIT 1')
    url = admin_url.replace("://postgres@", f"://{name}@", 1)
    assert name in url
    held = psycopg.connect(url)
    yield url
    held.close()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.mark.postgres
def test_a_request_that_waits_too_long_for_a_connection_gets_503(
    asgi_server_factory, role_at_its_limit
):
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"
    build_site_tree()
    server = asgi_server_factory(
        DATABASE_URL=role_at_its_limit, DATABASE_POOL_MAX="1", DATABASE_POOL_TIMEOUT="1"
    )
    for language in ("ru", "zh-hans"):
        response = httpx.get(f"{server.url}/{language}/", timeout=30)

        assert response.status_code == 503
        assert response.headers["retry-after"] == str(busy.RETRY_AFTER_SECONDS)
        assert f'<html lang="{language}">' in response.text
        with translation.override(language):
            assert gettext("The site is very busy") in response.text
