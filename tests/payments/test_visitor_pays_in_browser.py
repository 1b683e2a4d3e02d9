"""A visitor pays through the test checkout in Chromium, against the ASGI server."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

import payments
from payments.models import Payment, WebhookEvent
from tests.payments import purposes
from tests.payments.conftest import effects


@pytest.fixture
def server(demo_checkout, asgi_server_factory):
    # The server registers the tests' purpose too (tests.payments.server_app).
    return asgi_server_factory(
        DJANGO_SETTINGS_MODULE="tests.payments.server_settings",
        PAYMENTS_BASE_SETTINGS=os.environ["DJANGO_SETTINGS_MODULE"],
        STRIPE_SECRET_KEY="",
        DEMO_MODE="true",
    )


def start(server, seat, language, key):
    return payments.start_checkout(
        purposes.SEAT,
        seat,
        250_000,
        "RUB",
        description="Leopard Trail",
        language=language,
        # Pages of the domain that asked for the payment; whether they exist does not matter here.
        success_url=f"{server.url}/{language}/?paid",
        cancel_url=f"{server.url}/{language}/?cancelled",
        expires_at=timezone.now() + timedelta(minutes=40),
        idempotency_key=key,
    )


def test_visitor_pays_through_the_test_checkout(live_db, server, browser_page):
    seat = Group.objects.create(name="seat on the trail")
    checkout = start(server, seat, "en", "browser-pay")
    page = browser_page

    page.goto(f"{server.url}{checkout.url}")
    assert page.get_by_role("note").first.inner_text().startswith("Test payment: no money moves.")
    assert page.locator('[lang="ru"]', has_text="Тестовый платёж").count() == 1
    assert page.locator('[lang="zh-hans"]', has_text="测试付款").count() == 1
    assert "₽2,500" in page.locator(".test-checkout__amount").inner_text()
    page.get_by_role("button", name="Complete the test payment").click()
    page.wait_for_url(f"{server.url}/en/?paid")

    payment = Payment.objects.get()
    assert payment.status == Payment.Status.PAID
    assert [kind for kind, _payload in effects()] == ["paid"]
    assert WebhookEvent.objects.get().source == "test"
    assert Group.objects.filter(pk=seat.pk).exists()


def test_visitor_gives_up_and_the_seat_is_released(live_db, server, browser_page):
    seat = Group.objects.create(name="seat on the boat")
    checkout = start(server, seat, "ru", "browser-cancel")
    page = browser_page

    page.goto(f"{server.url}{checkout.url}")
    assert "2\xa0500\xa0₽" in page.locator(".test-checkout__amount").inner_text()
    page.get_by_role("button", name="Отмена").click()
    page.wait_for_url(f"{server.url}/ru/?cancelled")

    assert Payment.objects.get().status == Payment.Status.EXPIRED
    assert [kind for kind, _payload in effects()] == ["expired"]
    assert not Group.objects.filter(pk=seat.pk).exists()
