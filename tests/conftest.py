"""Fixtures shared by every app's tests.

- `site_tree`: a home page with an about page, a story index and stories, in ru / en / zh-hans.
- `asgi_server`: the portal served by uvicorn as a real process on a free port, on the test
  database (use it with `live_db`, whose data the server process can see);
  `admin_session(url, username, password)` signs in to its admin over HTTP.
- `object_storage`: public and private buckets on a local S3 server (`s3_stand_in`, moto's
  server mode, tests/s3.py), used by this process and the servers it starts.
- `redis_server`: a redis-server of the test's own on a free port, which it may stop and start.
- `browser` / `browser_page`: Debian's Chromium driven by Playwright.

`make test` runs the suite in parallel processes (pytest-xdist). pytest-django gives each its own
test database; `_isolate_worker` below gives each its own Redis database and channel prefix, so
one process's `cache.clear()` or group messages never reach another's, and
`pytest_runtest_setup` gives the migrated data back after a test that committed.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.pages import build_site_tree

BASE_DIR = Path(settings.BASE_DIR)


def _isolate_worker():
    """Runs when this module is imported, before any test opens the cache or channel layer;
    the environment carries the same choice to the server processes tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or not getattr(settings, "REDIS_URL", ""):
        return
    number = int(worker.removeprefix("gw"))
    base, _slash, database = settings.REDIS_URL.rstrip("/").rpartition("/")
    if not database.isdigit():
        base, database = settings.REDIS_URL.rstrip("/"), "0"
    # Databases 8, 9, …: clear of the 0-7 a developer may use for other checkouts.
    url = f"{base}/{(int(database) + 8 + number) % 16}"
    prefix = f"asgi-{worker}"
    os.environ.update(REDIS_URL=url, CHANNEL_LAYER_PREFIX=prefix)
    settings.REDIS_URL = url
    settings.CACHES["default"]["LOCATION"] = url
    layer = settings.CHANNEL_LAYERS["default"]
    if "hosts" in layer.get("CONFIG", {}):
        layer["CONFIG"].update(hosts=[url], prefix=prefix)


_isolate_worker()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """On PostgreSQL, ends the test database's other sessions before it is dropped.

    Threads that ran ORM code for async tests keep their connections, and a server process's
    session may still be closing; either would stop DROP DATABASE ("being accessed by other
    users") and leave the database behind.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files written by a test go to its own folder, never to the project's.

    Locations are strings, as in settings.py: Wagtail's file-deletion task carries the storage's
    deconstructed options through a JSON task queue."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: with REDIS_URL it is shared, and Wagtail caches
    renditions and site root paths by ids that repeat from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_tree(db):
    return build_site_tree()


@pytest.fixture
def live_db(transactional_db, django_db_serialized_rollback):
    """Committed data, visible to another process (the ASGI server); restored after the test."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The URL of the database the tests run on, for a server process started by a test."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class AsgiServer:
    """The portal in a uvicorn process, as production runs it."""

    def __init__(self, extra_env=None, log_path=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.log_path = log_path
        self.process = None

    def env(self):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONUNBUFFERED": "1",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        }
        env.update(self.extra_env)
        return env

    def start(self):
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "portal.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--lifespan",
                "off",
                "--ws-per-message-deflate",
                "false",
                "--ws-max-size",
                "65536",
            ],
            cwd=BASE_DIR,
            env=self.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the ASGI server exited with {self.process.returncode}")
            try:
                httpx.get(f"{self.url}/robots.txt", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the ASGI server did not answer within 30 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log_path and self._log:
            self._log.close()


@pytest.fixture
def asgi_server_factory(live_db, tmp_path):
    """Starts ASGI server processes on the test database; stopped after the test."""
    servers = []

    def start(**extra_env):
        server = AsgiServer(extra_env, log_path=tmp_path / f"server-{len(servers)}.log")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def asgi_server(asgi_server_factory):
    return asgi_server_factory()


def admin_session(server_url, username, password):
    """An httpx client signed in to Wagtail's admin on a server process, with its CSRF token
    (`client.csrf_token`) for the forms it posts."""
    client = httpx.Client(base_url=server_url, timeout=30)
    page = client.get("/admin/login/")
    client.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = client.post(
        "/admin/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.csrf_token,
            "next": "/admin/",
        },
    )
    assert response.status_code == 302 and response.headers["location"] == "/admin/", response.text
    client.csrf_token = client.cookies["csrftoken"]
    return client


@pytest.fixture(scope="session")
def s3_stand_in(tmp_path_factory):
    """A local S3 server (moto's server mode) for this test session: tests/s3.py."""
    from tests.s3 import S3StandIn

    with S3StandIn(log_path=tmp_path_factory.mktemp("s3") / "moto.log") as stand_in:
        yield stand_in


@pytest.fixture
def object_storage(s3_stand_in, settings, monkeypatch):
    """Fresh public and private buckets on the S3 stand-in, with this process's storage settings
    made from them by portal/settings.py; server processes started afterwards inherit them."""
    from tests.s3 import use_in_this_process

    buckets = s3_stand_in.new_buckets()
    use_in_this_process(buckets, settings, monkeypatch)
    return buckets


class RedisServer:
    """A redis-server of the test's own, which the test may stop and start again."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("these tests need Redis: redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not answer on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, on a free port: the test may stop and start it."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def browser(live_db, monkeypatch):
    """Debian's Chromium, headless. Never downloads a browser: a missing one fails the test.

    One per test, opened after the test's database (`live_db`) and closed before it: while
    Playwright's sync API runs its event loop in this thread, Django hands out other connection
    objects, and the database setup and teardown (flush, serialized restore) need the test
    run's own.
    """
    if not shutil.which(CHROMIUM):
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls stay synchronous while the loop runs: lift Django's async guard.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, tmp_path):
    context = browser.new_context(locale="ru-RU")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    page.screenshot(path=str(tmp_path / "last.png"))
    context.close()


def _runs_in_transactions(item):
    """A test whose data is committed, so that its database is emptied after it (flush)."""
    if {"transactional_db", "django_db_serialized_rollback"} & set(item.fixturenames):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


_database = {"flushed": False}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Gives a test that expects the migrated data (the root page, the staff groups, reference
    rows) that data back after a test that committed, and so emptied the database, ran before it.

    In one process pytest-django runs the tests that commit last. `make test` runs files in
    parallel processes (pytest-xdist, `--dist loadfile`), each in the order it receives them, so
    a file of rolled-back tests may follow one that committed: then the data serialized when the
    test database was created is loaded again, as Django's serialized rollback does.
    """
    if _runs_in_transactions(item):
        _database["flushed"] = True
    elif _database["flushed"]:
        _restore_migrated_data(item.config)
        _database["flushed"] = False


def _restore_migrated_data(config):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from pytest_django.plugin import blocking_manager_key

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        return
    with config.stash[blocking_manager_key].unblock():
        # A flush that ran post_migrate made content types anew, under other ids: empty first,
        # keeping the sequences past every id the restored rows take back (as Django does).
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )
        connection.creation.deserialize_db_from_string(contents)
    ContentType.objects.clear_cache()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser_page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if "asgi_server" in getattr(item, "fixturenames", ()) or "asgi_server_factory" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.server)
