"""Refunds (staff and Stripe's dashboard), a failing handler, and monthly gifts."""

import pytest
from django.contrib.auth.models import User

import payments
from payments.models import Payment, Refund, Renewal, WebhookEvent
from payments.services import RefundError, retry_event
from tests.payments import purposes
from tests.payments.conftest import effects, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    start.payment.refresh_from_db()
    return start.payment


@pytest.fixture
def staff():
    return User.objects.create_user("cashier", password="x")


def test_staff_partial_then_full_refund(fake_stripe, paid, staff):
    first = payments.refund(paid, 50_000, reason="requested_by_customer", by_user=staff)
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 50_000)
    assert (first.amount_minor, first.by_user) == (50_000, staff)
    rest = payments.refund(paid, by_user=staff)
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_minor, rest.amount_minor) == (
        Payment.Status.REFUNDED,
        150_000,
        100_000,
    )
    assert [(k, p["amount_minor"]) for k, p in effects() if k == "refunded"] == [
        ("refunded", 50_000),
        ("refunded", 100_000),
    ]
    (call, _second) = fake_stripe.calls("POST", "/v1/refunds")
    assert call[2]["payment_intent"] == paid.payment_intent_id
    assert call[2]["amount"] == "50000"


def test_refunding_again_refunds_nothing_more(fake_stripe, paid, staff):
    payments.refund(paid, by_user=staff)
    assert payments.refund(paid, by_user=staff) is None
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1
    assert Refund.objects.count() == 1


def test_the_same_refund_form_submitted_twice_refunds_once(fake_stripe, paid, staff):
    one = payments.refund(paid, 30_000, by_user=staff, idempotency_key="form-token-1")
    two = payments.refund(paid, 30_000, by_user=staff, idempotency_key="form-token-1")
    assert one == two
    paid.refresh_from_db()
    assert paid.refunded_minor == 30_000
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1


def test_refund_beyond_what_is_left_is_refused(fake_stripe, paid):
    payments.refund(paid, 100_000)
    with pytest.raises(RefundError):
        payments.refund(paid, 60_000)
    paid.refresh_from_db()
    assert paid.refunded_minor == 100_000


def test_refund_of_an_unpaid_payment_is_refused(fake_stripe, checkout):
    with pytest.raises(RefundError):
        payments.refund(checkout().payment)
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_staff_refund_then_its_webhook_changes_nothing_more(fake_stripe, paid, staff):
    payments.refund(paid, 40_000, by_user=staff)
    charge = fake_stripe.objects[fake_stripe.objects[paid.payment_intent_id]["latest_charge"]]
    assert post_event(fake_stripe.event("charge.refunded", charge)).status_code == 200
    paid.refresh_from_db()
    assert paid.refunded_minor == 40_000
    assert len(effects("refunded")) == 1
    assert Refund.objects.get().by_user == staff


def test_refund_made_in_stripes_dashboard_is_recorded(fake_stripe, paid):
    charge = fake_stripe.charge_of(paid.checkout_session_id)
    fake_stripe.refund(charge["id"], 25_000, reason="duplicate")
    assert post_event(fake_stripe.event("charge.refunded", charge)).status_code == 200
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 25_000)
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.reason, refund.by_user) == (25_000, "duplicate", None)
    assert effects("refunded")[0][1]["refunded_total_minor"] == 25_000


def test_refund_arriving_before_the_payments_completion(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    charge = fake_stripe.charge_of(session["id"])
    fake_stripe.refund(charge["id"], None)
    # Stripe delivers charge.refunded first; checkout.session.completed comes later.
    assert post_event(fake_stripe.event("charge.refunded", charge)).status_code == 200
    start.payment.refresh_from_db()
    assert (start.payment.status, start.payment.refunded_minor) == (
        Payment.Status.REFUNDED,
        150_000,
    )
    assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.REFUNDED
    assert [(k, p["amount_minor"]) for k, p in effects()] == [
        ("paid", 150_000),
        ("refunded", 150_000),
    ]


def test_failing_handler_answers_500_leaves_nothing_and_the_retry_succeeds(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    event = fake_stripe.event("checkout.session.completed", session)
    purposes.failing["on"] = True
    response = post_event(event)
    assert response.status_code == 500
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.OPEN
    assert effects() == []  # the handler's own write was rolled back with everything else
    record = WebhookEvent.objects.get()
    assert record.status == WebhookEvent.Status.FAILED
    assert "failed on purpose" in record.detail

    purposes.failing["on"] = False
    assert post_event(event).status_code == 200  # Stripe's retry: the same event again
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.PAID
    assert len(effects("paid")) == 1
    record.refresh_from_db()
    assert (record.status, record.attempts) == (WebhookEvent.Status.PROCESSED, 2)


def test_staff_retry_of_a_failed_event(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    purposes.failing["on"] = True
    post_event(fake_stripe.event("checkout.session.completed", session))
    purposes.failing["on"] = False
    record = WebhookEvent.objects.get()
    assert retry_event(record) == "processed"
    assert retry_event(record) == "duplicate"
    assert len(effects("paid")) == 1


def test_stripe_unreachable_answers_500_and_records_the_event(fake_stripe, checkout, settings):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 500
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.FAILED
    assert effects() == []


def test_monthly_gift_first_month_and_renewal(fake_stripe, checkout):
    start = checkout(10_000, mode="subscription", idempotency_key="monthly-1")
    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call[2]["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    session = fake_stripe.pay(start.payment.checkout_session_id)
    first_invoice = next(o for o in fake_stripe.objects.values() if o["object"] == "invoice")
    # Stripe often sends invoice.paid before checkout.session.completed.
    assert post_event(fake_stripe.event("invoice.paid", first_invoice)).status_code == 200
    assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.PAID
    assert start.payment.subscription_id == session["subscription"]
    renewal = fake_stripe.renew(session["id"])
    event = fake_stripe.event("invoice.paid", renewal)
    post_event(event)
    post_event({**event, "id": event["id"] + "_again"})  # a second event for the same invoice
    assert Renewal.objects.get().amount_minor == 10_000
    assert [kind for kind, _payload in effects()] == ["paid", "renewed"]
