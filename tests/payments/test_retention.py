"""Stripe's events lose their payloads (which name the payer) after PAYMENTS_EVENT_PAYLOAD_DAYS,
except a failed one, which its retry needs; the event rows stay, so a repeat stays a repeat."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

import payments
from payments.models import Payment, WebhookEvent
from payments.retention import prune_event_payloads

pytestmark = pytest.mark.django_db

PAYLOAD = {"id": "evt_1", "data": {"object": {"customer_details": {"email": "a@example.org"}}}}


def event(event_id, status, days_ago):
    record = WebhookEvent.objects.create(
        event_id=event_id,
        type="checkout.session.completed",
        source="stripe",
        payload={**PAYLOAD, "id": event_id},
        status=status,
    )
    WebhookEvent.objects.filter(pk=record.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return record


def test_handled_events_lose_their_payload_after_its_time(settings):
    settings.PAYMENTS_EVENT_PAYLOAD_DAYS = 90
    old = event("evt_old", WebhookEvent.Status.PROCESSED, 91)
    ignored = event("evt_ignored", WebhookEvent.Status.IGNORED, 91)
    failed = event("evt_failed", WebhookEvent.Status.FAILED, 91)
    event("evt_recent", WebhookEvent.Status.PROCESSED, 89)

    assert prune_event_payloads() == 2

    payloads = dict(WebhookEvent.objects.values_list("event_id", "payload"))
    assert payloads["evt_old"] == payloads["evt_ignored"] == {}
    assert payloads["evt_failed"]["id"] == "evt_failed"
    assert payloads["evt_recent"]["id"] == "evt_recent"
    assert WebhookEvent.objects.filter(pk__in=[old.pk, ignored.pk, failed.pk]).count() == 3


def test_a_domain_forgets_the_payers_address_and_the_payment_stays():
    paid = Payment.objects.create(
        purpose="booking",
        content_type=ContentType.objects.get_for_model(WebhookEvent),  # any paid-for object
        object_id="1",
        amount_minor=50_000,
        currency="RUB",
        status=Payment.Status.PAID,
        provider=Payment.Provider.TEST,
        description="LT-2345678",
        customer_email="anna@example.org",
        language="ru",
        idempotency_key="booking-1",
    )

    assert payments.forget_customers([paid.pk]) == 1

    paid.refresh_from_db()
    assert (paid.customer_email, paid.amount_minor, paid.status) == ("", 50_000, "paid")
