"""Error reports to Sentry only when SENTRY_DSN is set, and never with a visitor's data.

The reports go to a small HTTP server the test starts in its place, which keeps what Sentry's
SDK sends (envelopes), so the test reads exactly what would have left the machine.
"""

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.conf import settings

VISITOR_EMAIL = "anna.visitor@example.org"
SESSION_COOKIE = "sessionid-of-a-visitor-1234567890"

SHOW_SENTRY = """
import json
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
print(json.dumps({
    "active": client.is_active(),
    "send_default_pii": options.get("send_default_pii"),
    "include_local_variables": options.get("include_local_variables"),
    "environment": options.get("environment"),
    "traces_sample_rate": options.get("traces_sample_rate"),
}))
"""


def sentry_state(env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-startup", "-c", SHOW_SENTRY],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_dsn_nothing_is_initialised():
    assert sentry_state({}) == {
        "active": False,
        "send_default_pii": None,
        "include_local_variables": None,
        "environment": None,
        "traces_sample_rate": None,
    }


def test_with_a_dsn_errors_are_reported_without_personal_data():
    state = sentry_state(
        {
            "SENTRY_DSN": "https://public@sentry.example/1",
            "SENTRY_ENVIRONMENT": "staging",
            "SENTRY_TRACES_SAMPLE_RATE": "0.05",
        }
    )
    assert state == {
        "active": True,
        "send_default_pii": False,
        "include_local_variables": False,
        "environment": "staging",
        "traces_sample_rate": 0.05,
    }
    assert (
        sentry_state({"SENTRY_DSN": "https://public@sentry.example/1"})["traces_sample_rate"] == 0
    )


class SentryStandIn:
    """An HTTP server that keeps every envelope posted to it, decompressed."""

    def __init__(self):
        envelopes = self.envelopes = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                envelopes.append((self.path, body.decode("utf-8")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self):
        """The error events received: each envelope's items of type "event"."""
        found = []
        for _path, body in self.envelopes:
            lines = body.split("\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sentry_stand_in():
    stand_in = SentryStandIn()
    yield stand_in
    stand_in.stop()


def test_an_error_in_a_view_is_reported_without_the_visitors_email_or_cookie(
    asgi_server_factory, sentry_stand_in
):
    server = asgi_server_factory(
        DJANGO_SETTINGS_MODULE="tests.cms.error_settings",
        SENTRY_DSN=f"http://public@127.0.0.1:{sentry_stand_in.port}/1",
        SENTRY_ENVIRONMENT="test",
    )
    with httpx.Client(base_url=server.url, timeout=30) as http:
        http.cookies.set("sessionid", SESSION_COOKIE)
        response = http.post(
            "/file-report/",
            params={"email": VISITOR_EMAIL},
            data={"email": VISITOR_EMAIL, "name": "Анна"},
            headers={"X-Request-ID": "reported-request-1", "Referer": f"{server.url}/?q=1"},
        )
    assert response.status_code == 500

    deadline = time.monotonic() + 20
    while not sentry_stand_in.events() and time.monotonic() < deadline:
        time.sleep(0.1)
    [event] = sentry_stand_in.events()
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "no report could be filed for [email]"
    assert exception["stacktrace"]["frames"][-1]["function"] == "file_report"
    assert "vars" not in exception["stacktrace"]["frames"][-1]
    assert event["environment"] == "test"
    assert event["tags"]["request_id"] == "reported-request-1"
    request = event["request"]
    assert request["url"].endswith("/file-report/")
    assert not {"cookies", "data", "query_string"} & set(request)
    assert {name.lower() for name in request["headers"]} <= {
        "host",
        "user-agent",
        "accept",
        "accept-language",
        "content-type",
        "referer",
    }
    sent = "".join(body for _path, body in sentry_stand_in.envelopes)
    for personal in (VISITOR_EMAIL, VISITOR_EMAIL.replace("@", "%40"), SESSION_COOKIE, "Анна"):
        assert personal not in sent
    assert "\\u0410\\u043d\\u043d\\u0430" not in sent  # the name, JSON-escaped
