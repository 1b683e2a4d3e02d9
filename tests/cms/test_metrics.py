"""Prometheus metrics at /metrics, for the operator only (cms/metrics.py and each app's metrics).

The end-to-end test runs two server processes sharing one PROMETHEUS_MULTIPROC_DIR, as the
workers of one machine do: a booking is held and paid on one, a WebSocket is open on the other,
and a scrape of either shows all of it.
"""

import datetime
import re
import time
import uuid

import httpx
import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

TOKEN = "metrics-token-for-the-tests-0123456789"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def samples(text):
    """{(sample name, frozenset of labels): value} of an exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found, name, **labels):
    return found.get((name, frozenset(labels.items())))


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_no_metrics_when_neither_a_token_nor_addresses_are_set(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", **bearer("")).status_code == 404
    assert client.get("/metrics", **bearer(TOKEN)).status_code == 404


def test_the_token_opens_them_and_nothing_else_does(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", **bearer(TOKEN[:-1])).status_code == 404
    assert client.get("/metrics", **bearer(TOKEN + "0")).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404
    response = client.get("/metrics", **bearer(TOKEN))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    assert "# TYPE portal_http_requests_total counter" in response.content.decode()


def test_client_addresses_open_them_and_with_a_token_both_are_needed(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/24", "192.0.2.7"]
    assert Client(REMOTE_ADDR="10.0.0.9").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.7").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.0.1.9").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert Client(REMOTE_ADDR="10.0.0.9").get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics", **bearer(TOKEN)).status_code == 404
    assert Client(REMOTE_ADDR="10.0.0.9").get("/metrics", **bearer(TOKEN)).status_code == 200


def test_prometheus_reaches_them_by_address_over_plain_http(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.ALLOWED_HOSTS = ["leopard.example"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/metrics", HTTP_HOST="10.0.0.7:8000", **bearer(TOKEN))
    assert response.status_code == 200


def test_a_request_is_counted_by_its_views_name_not_its_path(client, settings, db):
    settings.METRICS_TOKEN = TOKEN
    labels = {"view": "robots_txt", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("portal_http_requests_total", labels) or 0
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/robots.txt?utm=anything").status_code == 200
    found = samples(client.get("/metrics", **bearer(TOKEN)).content.decode())
    assert value(found, "portal_http_requests_total", **labels) == before + 2
    assert not [key for key in found if "/robots.txt" in str(key)]


def test_settings_refuse_a_short_token_or_a_bad_address():
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    for env, says in (
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN"),
        ({"METRICS_ALLOWED_IPS": "10.0.0.0/24, not-an-address"}, "not-an-address"),
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=django_settings.BASE_DIR,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert says in result.stderr


def scrape(http, token=TOKEN):
    response = http.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return samples(response.text)


def test_a_scrape_shows_what_every_worker_counted(asgi_server_factory, make_tour_slot, tmp_path):
    slot = make_tour_slot()
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "METRICS_TOKEN": TOKEN,
        "STRIPE_SECRET_KEY": "",
        "DEMO_MODE": "true",
    }
    first, second = asgi_server_factory(**env), asgi_server_factory(**env)
    booking_path = f"/en/tours/dates/{slot.pk}/book/"

    with (
        httpx.Client(base_url=first.url, timeout=30) as visitor,
        httpx.Client(base_url=second.url, timeout=30) as operator,
    ):
        assert operator.get("/metrics").status_code == 404
        assert (
            operator.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        )

        # A visitor books on the first process and pays through the test checkout, whose
        # signed event reaches the webhook; a forged event is refused.
        held = visitor.post(
            booking_path,
            data={
                "csrfmiddlewaretoken": CSRF.search(visitor.get(booking_path).text)[1],
                "adults": "2",
                "name": "Visitor",
                "email": "visitor@example.org",
                "consent": "on",
                "submission_key": str(uuid.uuid4()),
            },
        )
        assert held.status_code == 302, held.text[:2000]
        checkout = visitor.get(held.headers["location"])
        paid = visitor.post(
            held.headers["location"] + "complete/",
            data={"csrfmiddlewaretoken": CSRF.search(checkout.text)[1]},
        )
        assert paid.status_code == 302, paid.text[:2000]
        forged = visitor.post(
            "/payments/stripe/webhook/",
            content=b'{"id": "evt_forged"}',
            headers={"Stripe-Signature": "t=1,v1=forged"},
        )
        assert forged.status_code == 400

        # A live client is connected to the second process.
        socket_url = second.url.replace("http://", "ws://") + "/ws/live/"
        with connect(socket_url, origin=second.url, open_timeout=10):
            during = scrape(operator)
        deadline = time.monotonic() + 20
        while value(after := scrape(operator), "portal_live_connections") != 0:
            assert time.monotonic() < deadline, "the closed connection is still counted"
            time.sleep(0.1)

    assert value(during, "portal_live_connections") == 1
    for found in (during, after):
        assert value(found, "portal_bookings_held_total", source="online") == 1
        assert value(found, "portal_bookings_confirmed_total", source="online") == 1
        assert value(found, "portal_payment_webhook_events_total", result="processed") == 1
        assert value(found, "portal_payment_webhook_events_total", result="refused") == 1
        assert (
            value(
                found,
                "portal_http_requests_total",
                view="tourism:book",
                method="POST",
                status="302",
            )
            == 1
        )
        assert (
            value(found, "portal_live_events_published_total", kind="slot.availability") >= 2
        )  # the hold, then the confirmation
        assert (
            value(found, "portal_tasks_enqueued_total", task="tourism.tasks.send_confirmation") == 1
        )
        assert (
            value(
                found,
                "portal_tasks_finished_total",
                task="tourism.tasks.send_confirmation",
                status="successful",
            )
            == 1
        )
        assert value(found, "portal_http_request_duration_seconds_count", view="tourism:book") == 2
    # Both processes wrote what they counted; the scrape added them up.
    assert len({path.name.rsplit("_", 1)[1] for path in directory.glob("counter_*.db")}) == 2


@pytest.fixture
def make_tour_slot(live_db):
    from tests.pages import build_site_tree
    from tests.tourism.conftest import build_tours
    from tourism.models import Slot

    def make():
        _index, trail = build_tours(build_site_tree().home)
        return Slot.objects.create(
            tour=trail,
            starts_at=timezone.now() + datetime.timedelta(days=7),
            capacity=10,
            price_adult=500,
            price_child=250,
            price_pupil=200,
            max_party=8,
        )

    return make
