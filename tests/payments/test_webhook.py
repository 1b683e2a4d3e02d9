"""The webhook: signatures, malformed bodies, duplicates, stale and out-of-order events."""

import json
import time

import pytest
from django.test import Client

from payments.models import Payment, WebhookEvent
from tests.payments.conftest import WEBHOOK_SECRET, WEBHOOK_URL, effects, post_event, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_session(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    return start.payment, session


def test_checkout_session_is_created_with_language_metadata_expiry_and_idempotency_key(
    fake_stripe, checkout
):
    start = checkout(language="zh-hans")
    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    form = call[2]
    payment = start.payment
    assert start.url == f"https://checkout.stripe.test/c/pay/{payment.checkout_session_id}"
    assert form["locale"] == "zh"
    assert form["mode"] == "payment"
    assert form["line_items"][0]["price_data"] == {
        "currency": "rub",
        "unit_amount": "150000",
        "product_data": {"name": "Leopard Trail, 12 June"},
    }
    assert form["metadata"] == {
        "payment_reference": str(payment.reference),
        "purpose": "test-seat",
        "object_id": payment.object_id,
    }
    assert form["payment_intent_data"]["metadata"] == form["metadata"]
    assert int(form["expires_at"]) == int(payment.expires_at.timestamp())
    assert fake_stripe.idempotent  # the session was created under an idempotency key
    assert payment.status == Payment.Status.OPEN
    assert payment.paid_for.pk == int(payment.object_id)


def test_same_idempotency_key_returns_the_same_checkout(fake_stripe, checkout):
    first = checkout()
    second = checkout()
    assert second.payment.pk == first.payment.pk
    assert second.url == first.url
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    assert Payment.objects.count() == 1


def test_completed_session_marks_the_payment_paid_and_tells_the_handler(fake_stripe, paid_session):
    payment, session = paid_session
    response = post_event(fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 200
    assert response.json() == {"outcome": "processed"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.payment_intent_id == session["payment_intent"]
    assert effects(reference=payment.reference) == [
        (
            "paid",
            {
                "payment": str(payment.reference),
                "amount_minor": 150_000,
                "refunded_total_minor": 0,
                "refund_id": "",
                "invoice_id": "",
            },
        )
    ]
    record = WebhookEvent.objects.get()
    assert record.status == WebhookEvent.Status.PROCESSED
    assert record.payment == payment
    assert record.processed_at is not None


def test_second_webhook_delivery_changes_nothing(
    fake_stripe, paid_session, django_assert_max_num_queries
):
    _payment, session = paid_session
    event = fake_stripe.event("checkout.session.completed", session)
    assert post_event(event).status_code == 200
    with django_assert_max_num_queries(1):
        response = post_event(event)
    assert response.json() == {"outcome": "duplicate"}
    assert len(effects("paid")) == 1
    assert WebhookEvent.objects.count() == 1


def test_a_forged_completion_of_an_open_session_does_nothing(fake_stripe, checkout):
    """The event says "completed" but Stripe's session is still open: Stripe is believed."""
    start = checkout()
    session = fake_stripe.objects[start.payment.checkout_session_id]
    forged = fake_stripe.event("checkout.session.completed", {**session, "status": "complete"})
    assert post_event(forged).status_code == 200
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.OPEN
    assert effects() == []


def test_stale_expired_event_after_payment_does_no_harm(fake_stripe, paid_session, seat):
    payment, session = paid_session
    stale = fake_stripe.event("checkout.session.expired", {**session, "status": "expired"})
    assert post_event(stale).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    seat.refresh_from_db()  # still held: the session was paid, whatever the stale event said
    assert [kind for kind, _payload in effects()] == ["paid"]


def test_expired_session_releases_what_it_held(fake_stripe, checkout, seat):
    from django.contrib.auth.models import Group

    start = checkout()
    session = fake_stripe.expire(start.payment.checkout_session_id)
    assert post_event(fake_stripe.event("checkout.session.expired", session)).status_code == 200
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.EXPIRED
    assert not Group.objects.filter(pk=seat.pk).exists()
    assert [kind for kind, _payload in effects()] == ["expired"]


def test_asynchronous_payment_processing_then_succeeded(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id, intent_status="processing")
    post_event(fake_stripe.event("checkout.session.completed", session))
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.PROCESSING
    assert effects() == []
    session = fake_stripe.settle_async(session["id"], succeeded=True)
    post_event(fake_stripe.event("checkout.session.async_payment_succeeded", session))
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.PAID
    assert [kind for kind, _payload in effects()] == ["paid"]


def test_asynchronous_payment_failed(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id, intent_status="processing")
    post_event(fake_stripe.event("checkout.session.completed", session))
    fake_stripe.settle_async(session["id"], succeeded=False)
    post_event(fake_stripe.event("checkout.session.async_payment_failed", session))
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.FAILED
    assert [kind for kind, _payload in effects()] == ["failed"]


def test_unknown_event_type_is_acknowledged_and_ignored(fake_stripe):
    event = fake_stripe.event("customer.created", {"id": "cus_1", "object": "customer"})
    response = post_event(event)
    assert response.status_code == 200
    assert response.json() == {"outcome": "ignored"}
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED


def test_a_session_that_is_not_the_portals_is_ignored(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.objects[start.payment.checkout_session_id]
    session["client_reference_id"] = None
    session["metadata"] = {}
    fake_stripe.objects["cs_other"] = {**session, "id": "cs_other", "status": "complete"}
    response = post_event(fake_stripe.event("checkout.session.completed", {"id": "cs_other"}))
    assert response.json() == {"outcome": "ignored"}


class TestRefusedDeliveries:
    @pytest.fixture
    def event(self, fake_stripe, paid_session):
        return fake_stripe.event("checkout.session.completed", paid_session[1])

    def assert_refused(self, response):
        assert response.status_code == 400
        assert "error" in response.json()
        assert WebhookEvent.objects.count() == 0
        assert Payment.objects.filter(status=Payment.Status.PAID).count() == 0

    def test_bad_signature(self, event):
        payload = json.dumps(event)
        header = sign(payload).replace("v1=", "v1=0")[:-1]
        response = Client().post(
            WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        self.assert_refused(response)

    def test_body_changed_after_signing(self, event):
        payload = json.dumps(event)
        header = sign(payload)
        tampered = payload.replace("150000", "1")
        response = Client().post(
            WEBHOOK_URL, tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        self.assert_refused(response)

    def test_wrong_secret(self, event):
        self.assert_refused(post_event(event, secret="whsec_someone_else"))

    def test_timestamp_outside_tolerance(self, event):
        self.assert_refused(post_event(event, timestamp=int(time.time()) - 301))

    def test_timestamp_too_far_in_the_future(self, event):
        # Refused like a stale one: a signature made ahead of time could be replayed for long.
        self.assert_refused(post_event(event, timestamp=int(time.time()) + 301))

    def test_timestamp_a_little_ahead_is_accepted(self, event):
        # Clocks drift both ways: within the tolerance, a timestamp ahead of ours is Stripe's.
        response = post_event(event, timestamp=int(time.time()) + 60)
        assert response.status_code == 200
        assert response.json() == {"outcome": "processed"}

    def test_body_over_the_upload_limit_is_413_not_a_retry(self, event, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
        payload = json.dumps({**event, "padding": "x" * 20_000})
        response = Client(raise_request_exception=False).post(
            WEBHOOK_URL,
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload),
        )
        assert response.status_code == 413
        assert "error" in response.json()
        assert WebhookEvent.objects.count() == 0
        assert Payment.objects.filter(status=Payment.Status.PAID).count() == 0

    def test_missing_header(self, event):
        response = Client().post(WEBHOOK_URL, json.dumps(event), content_type="application/json")
        self.assert_refused(response)

    def test_malformed_json(self):
        self.assert_refused(post_event('{"id": "evt_1", "type": '))

    def test_json_that_is_not_an_event(self):
        self.assert_refused(post_event('["not", "an", "event"]'))

    def test_event_object_without_id(self, fake_stripe):
        self.assert_refused(post_event(fake_stripe.event("checkout.session.completed", {})))

    def test_body_that_is_not_utf8(self):
        payload = b'{"id": "\xff"}'
        header = sign(payload.decode("latin-1"))
        response = Client().post(
            WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        self.assert_refused(response)

    def test_test_checkout_secret_is_refused_outside_the_embedded_mode(self, event, settings):
        """The test checkout's secret is public in the repository: production never accepts it."""
        settings.DEBUG = False
        settings.DEMO_MODE = True
        self.assert_refused(post_event(event, secret=settings.TEST_CHECKOUT_WEBHOOK_SECRET))

    def test_get_is_not_allowed(self):
        assert Client().get(WEBHOOK_URL).status_code == 405


def test_signature_helper_matches_stripes_library():
    import stripe

    payload = '{"id": "evt_1"}'
    stripe.WebhookSignature.verify_header(payload, sign(payload), WEBHOOK_SECRET, 300)
