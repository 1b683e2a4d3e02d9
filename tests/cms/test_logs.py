"""Logs as JSON lines with request ids, the staff user's id, tracebacks, and no visitor's data.

The server processes run with LOG_FORMAT=json (production's default) and write their lines to
a file the test reads (cms/logs.py, cms/request_ids.py, cms/operations.py).
"""

import datetime
import json
import logging
import re
import time
import uuid

import httpx
import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.logs import JsonFormatter, RequestContextFilter, scrub
from cms.request_ids import bound, current_request_id
from tests.pages import build_site_tree

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VISITOR_EMAIL = "anna.visitor+park@example.org"
VISITOR_NAME = "Анна Посетительница"


def log_lines(path):
    """A server's log, every complete line of which must be one JSON object."""
    text = path.read_text()
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def wait_for_lines(path, predicate):
    deadline = time.monotonic() + 20
    while True:
        found = [line for line in log_lines(path) if predicate(line)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@pytest.fixture
def json_server(asgi_server_factory, tmp_path):
    """Starts the test's one server process with JSON logs; returns it and its log file."""

    def start(**env):
        return asgi_server_factory(LOG_FORMAT="json", **env), tmp_path / "server-0.log"

    return start


def test_a_request_logs_a_json_line_with_the_id_it_answers_with(json_server):
    build_site_tree()
    server, log = json_server()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        given = http.get("/en/", headers={"X-Request-ID": "proxy-7f3a.1:2"})
        made = http.get("/ru/")
        insane = http.get("/ru/", headers={"X-Request-ID": "<script>alert(1)</script>"})
        too_long = http.get("/ru/", headers={"X-Request-ID": "a" * 200})

    assert given.status_code == 200
    assert given.headers["X-Request-ID"] == "proxy-7f3a.1:2"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    for replaced in (insane, too_long):
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])
    [line] = wait_for_lines(log, lambda line: line.get("request_id") == "proxy-7f3a.1:2")
    assert line["logger"] == "cms.requests"
    assert line["level"] == "INFO"
    assert line["message"].startswith("GET wagtail_serve 200 ")
    assert (line["method"], line["view"], line["status"]) == ("GET", "wagtail_serve", 200)
    assert set(line) >= {"time", "level", "logger", "message", "request_id", "duration_ms"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert "user_id" not in line  # an anonymous visitor
    assert wait_for_lines(log, lambda line: line.get("request_id") == made.headers["X-Request-ID"])
    assert "<script>" not in log.read_text()


def test_an_exception_in_a_view_logs_its_traceback_as_json(json_server):
    server, log = json_server(DJANGO_SETTINGS_MODULE="tests.cms.error_settings")
    with httpx.Client(base_url=server.url, timeout=30) as http:
        response = http.post(
            "/file-report/",
            params={"email": VISITOR_EMAIL},
            data={"email": VISITOR_EMAIL},
            headers={"X-Request-ID": "failing-request-1"},
        )
    assert response.status_code == 500

    [error] = wait_for_lines(
        log, lambda line: line["logger"] == "django.request" and line["level"] == "ERROR"
    )
    assert error["request_id"] == "failing-request-1"
    assert error["message"] == "Internal Server Error: /file-report/"
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert (
        'in file_report\n    raise RuntimeError(f"no report could be filed for {email}")'
        in (error["exc_info"])
    )
    assert error["exc_info"].endswith("RuntimeError: no report could be filed for [email]")
    text = log.read_text()
    assert VISITOR_EMAIL not in text
    assert VISITOR_EMAIL.replace("@", "%40") not in text


def test_a_staff_members_requests_carry_their_user_id(json_server, django_user_model):
    build_site_tree()
    editor = django_user_model.objects.create_user("ed", "ed@leopard.example", "pw-123456")
    editor.groups.add(Group.objects.get(name="Editors"))
    server, log = json_server()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        form = http.get("/admin/login/")
        signed_in = http.post(
            "/admin/login/",
            data={
                "csrfmiddlewaretoken": CSRF.search(form.text)[1],
                "username": "ed",
                "password": "pw-123456",
            },
        )
        assert signed_in.status_code == 302
        dashboard = http.get("/admin/", headers={"X-Request-ID": "staff-dashboard"})
        assert dashboard.status_code == 200

    [line] = wait_for_lines(log, lambda line: line.get("request_id") == "staff-dashboard")
    assert line["user_id"] == editor.pk
    assert line["view"] == "wagtailadmin_home"
    assert "ed@leopard.example" not in log.read_text()


def test_an_anonymous_booking_and_gift_leave_no_email_or_name_in_the_logs(json_server):
    from tests.donations.conftest import build_campaigns
    from tests.tourism.conftest import build_tours
    from tourism.models import Slot

    campaigns = build_campaigns()
    _index, trail = build_tours(campaigns.site.home)
    slot = Slot.objects.create(
        tour=trail,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        capacity=10,
        price_adult=500,
        price_child=250,
        price_pupil=200,
        max_party=8,
    )
    server, log = json_server(STRIPE_SECRET_KEY="", DEMO_MODE="true")
    booking_path = f"/en/tours/dates/{slot.pk}/book/"
    give_path = f"/en/donations/campaigns/{campaigns.patrols.pk}/give/"
    with httpx.Client(base_url=server.url, timeout=30) as http:
        token = CSRF.search(http.get(booking_path).text)[1]
        booked = http.post(
            booking_path,
            params={"email": VISITOR_EMAIL},
            data={
                "csrfmiddlewaretoken": token,
                "adults": "2",
                "name": VISITOR_NAME,
                "email": VISITOR_EMAIL,
                "phone": "+7 900 000-00-00",
                "consent": "on",
                "submission_key": str(uuid.uuid4()),
            },
        )
        assert booked.status_code == 302, booked.text[:2000]
        gave = http.post(
            give_path,
            data={
                "csrfmiddlewaretoken": token,
                "amount": "other",
                "other_amount": "30",
                "currency": "USD",
                "frequency": "once",
                "name": VISITOR_NAME,
                "email": VISITOR_EMAIL,
                "show_name": "on",
            },
        )
        assert gave.status_code == 302, gave.text[:2000]

    requests = wait_for_lines(log, lambda line: line.get("view") == "donations:give")
    assert requests and requests[0]["status"] == 302
    views = {(line.get("view"), line.get("status")) for line in log_lines(log)}
    assert ("tourism:book", 302) in views
    text = log.read_text()
    for personal in (VISITOR_EMAIL, VISITOR_EMAIL.replace("@", "%40"), VISITOR_NAME, "900 000"):
        assert personal not in text
    # The visitor's address (this test's: 127.0.0.1) is in no line but the one where uvicorn
    # says which address it serves on.
    lines = [line for line in log_lines(log) if not line["message"].startswith("Uvicorn running")]
    assert not [line for line in lines if "127.0.0.1" in json.dumps(line)]


def test_personal_data_is_scrubbed_from_any_line():
    assert scrub("mail anna@example.org and Борис.Иванов@почта.рф") == "mail [email] and [email]"
    assert scrub("/ru/?email=anna%2Bpark%40example.org&x=1") == "/ru/?email=[email]&x=1"
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("203.0.113.9:51234", "/ws/live/?email=a%40b.org&token=secret"),
        None,
    )
    RequestContextFilter().filter(record)
    assert record.getMessage() == '"WebSocket /ws/live/" [accepted]'


def test_a_library_s_request_object_never_reaches_the_line(rf):
    request = rf.get("/ru/?email=anna@example.org")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (request.path,), None
    )
    record.request = request
    record.status_code = 404
    with bound("abc123", request):
        RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line == {
        "time": line["time"],
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /ru/",
        "request_id": "abc123",
        "status_code": 404,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_live_connection_s_lines_carry_its_request_id(monkeypatch):
    """What the live consumer logs about a connection carries the proxy's request id."""
    from live import consumers
    from live.hub import Hub
    from portal.asgi import application

    seen, seen_by_the_hub = [], []

    def is_topic(topic):
        seen.append(current_request_id())
        return True

    async def renew(hub):
        seen_by_the_hub.append(current_request_id())

    monkeypatch.setattr(consumers.services, "is_topic", is_topic)
    monkeypatch.setattr(Hub, "_renew", renew)
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/",
        headers=[(b"origin", b"http://testserver"), (b"x-request-id", b"socket-42")],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "subscribe", "topics": ["nowhere:1"], "since": 0})
    await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert seen and set(seen) == {"socket-42"}
    # The process's hub, started by this first socket, is no connection's: no request id.
    assert seen_by_the_hub == [None]
