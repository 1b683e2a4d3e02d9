"""The same event delivered ten times at once: one effect (PostgreSQL in CI, SQLite here too)."""

import threading
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

import payments
from payments.models import Payment, Refund, Renewal, WebhookEvent
from tests.payments import purposes
from tests.payments.conftest import effects, post_event

DELIVERIES = 10


def deliver_concurrently(events):
    """Each event (a list: the same or different ones) in its own thread, all at once."""
    barrier = threading.Barrier(len(events))
    statuses = []
    errors = []

    def deliver(event):
        try:
            barrier.wait(timeout=10)
            statuses.append(post_event(event).status_code)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
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

    statuses = deliver_concurrently([event] * DELIVERIES)

    assert statuses == [200] * DELIVERIES
    assert Payment.objects.get().status == Payment.Status.PAID
    assert len(effects("paid")) == 1
    record = WebhookEvent.objects.get()
    assert (record.status, record.attempts) == (WebhookEvent.Status.PROCESSED, 1)


def test_a_dashboard_refund_of_a_month_delivered_ten_times_at_once_is_recorded_once(
    live_db, fake_stripe
):
    """A monthly gift's later month refunded in Stripe's dashboard: Stripe's charge.refunded
    five times over and five other events about the same refund, all at once."""
    seat = Group.objects.create(name="seat given monthly")
    start = payments.start_checkout(
        purposes.SEAT,
        seat,
        10_000,
        "RUB",
        mode="subscription",
        description="Monthly gift",
        success_url="https://leopard.example/ru/ok/",
        cancel_url="https://leopard.example/ru/back/",
        idempotency_key="monthly-ten-deliveries",
    )
    session = fake_stripe.pay(start.payment.checkout_session_id)
    assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    invoice = fake_stripe.renew(session["id"])
    assert post_event(fake_stripe.event("invoice.paid", invoice)).status_code == 200
    charge = fake_stripe.invoice_charge(invoice["id"])
    stripe_refund = fake_stripe.refund(charge["id"], 3_333)
    event = fake_stripe.event("charge.refunded", charge)
    others = [fake_stripe.event("charge.refunded", charge) for _ in range(3)] + [
        fake_stripe.event("charge.refund.updated", stripe_refund),
        fake_stripe.event("refund.updated", stripe_refund),
    ]

    statuses = deliver_concurrently([event] * 5 + others)

    assert statuses == [200] * DELIVERIES
    refund = Refund.objects.get()
    renewal = Renewal.objects.get()
    assert (refund.renewal, refund.amount_minor) == (renewal, 3_333)
    assert renewal.refunded_minor == 3_333
    assert Payment.objects.get().refunded_minor == 0
    assert [payload["amount_minor"] for _kind, payload in effects("refunded")] == [3_333]
    assert WebhookEvent.objects.filter(event_id=event["id"]).get().attempts == 1
