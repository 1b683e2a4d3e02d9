"""The same event delivered ten times at once: one effect (PostgreSQL in CI, SQLite here too)."""

import threading
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

import payments
from payments.models import Payment, WebhookEvent
from tests.payments import purposes
from tests.payments.conftest import effects, post_event

DELIVERIES = 10


def deliver_concurrently(event):
    barrier = threading.Barrier(DELIVERIES)
    statuses = []
    errors = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            statuses.append(post_event(event).status_code)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


def test_same_event_ten_times_concurrently_has_one_effect(live_db, fake_stripe):
    """live_db: committed data the threads' own connections see (transactional_db, restored
    afterwards like every other live_db test)."""
    seat = Group.objects.create(name="seat for ten deliveries")
    start = payments.start_checkout(
        purposes.SEAT,
        seat,
        150_000,
        "RUB",
        description="Leopard Trail",
        success_url="https://leopard.example/ru/ok/",
        cancel_url="https://leopard.example/ru/back/",
        expires_at=timezone.now() + timedelta(minutes=45),
        idempotency_key="ten-deliveries",
    )
    session = fake_stripe.pay(start.payment.checkout_session_id)
    event = fake_stripe.event("checkout.session.completed", session)

    statuses = deliver_concurrently(event)

    assert statuses == [200] * DELIVERIES
    assert Payment.objects.get().status == Payment.Status.PAID
    assert len(effects("paid")) == 1
    record = WebhookEvent.objects.get()
    assert (record.status, record.attempts) == (WebhookEvent.Status.PROCESSED, 1)
