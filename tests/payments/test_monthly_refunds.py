"""Refunds of monthly gifts (each month is its own charge) and refunds that fail in Stripe."""

import pytest
from django.contrib.auth.models import User
from django.utils import translation

import payments
from payments.models import Payment, Refund, Renewal, WebhookEvent
from payments.services import RefundError
from tests.payments.conftest import effects, monthly_gift, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["current API", "API before 2025-03-31"])
def api_shapes(request, fake_stripe):
    """Both of Stripe's shapes: invoice payments and parent.subscription_details today,
    charge.invoice, invoice.subscription and invoice.payment_intent before."""
    fake_stripe.legacy_api = request.param != "current API"
    return fake_stripe


def refunded_effects():
    return [
        (kind, payload["amount_minor"], payload["refunded_total_minor"])
        for kind, payload in effects()
        if kind in ("refunded", "refund_failed")
    ]


def test_a_monthly_gift_knows_the_charge_of_each_month(api_shapes, checkout):
    payment, (first, second) = monthly_gift(api_shapes, checkout)
    assert payment.payment_intent_id == api_shapes.invoice_charge(first["id"])["payment_intent"]
    renewal = Renewal.objects.get()
    assert renewal.stripe_invoice_id == second["id"]
    assert renewal.payment_intent_id == api_shapes.invoice_charge(second["id"])["payment_intent"]


def test_dashboard_refund_of_a_later_month_is_recorded_against_that_month(api_shapes, checkout):
    payment, (_first, second) = monthly_gift(api_shapes, checkout)
    charge = api_shapes.invoice_charge(second["id"])
    api_shapes.refund(charge["id"], 2_500, reason="requested_by_customer")
    event = api_shapes.event("charge.refunded", api_shapes.objects[charge["id"]])
    assert post_event(event).status_code == 200

    refund = Refund.objects.get()
    renewal = Renewal.objects.get()
    assert (refund.renewal, refund.amount_minor, refund.by_user) == (renewal, 2_500, None)
    assert renewal.refunded_minor == 2_500
    payment.refresh_from_db()
    # The first month is untouched.
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PAID, 0)
    assert refunded_effects() == [("refunded", 2_500, 2_500)]
    refunded = effects("refunded")[0][1]
    assert refunded["invoice_id"] == second["id"]
    assert refunded["refund_id"] == refund.stripe_refund_id
    assert WebhookEvent.objects.get(event_id=event["id"]).payment == payment


def test_dashboard_refund_of_the_first_month(api_shapes, checkout):
    payment, (first, _second) = monthly_gift(api_shapes, checkout)
    charge = api_shapes.invoice_charge(first["id"])
    api_shapes.refund(charge["id"], None)
    assert post_event(api_shapes.event("charge.refunded", charge)).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.REFUNDED, 10_000)
    assert Refund.objects.get().renewal is None
    assert Renewal.objects.get().refunded_minor == 0
    assert effects("refunded")[0][1]["invoice_id"] == ""


def test_refund_of_a_month_that_overtook_its_invoice_paid_event(fake_stripe, checkout):
    payment, _invoices = monthly_gift(fake_stripe, checkout, renewals=0)
    session = fake_stripe.objects[payment.checkout_session_id]
    invoice = fake_stripe.renew(session["id"])
    charge = fake_stripe.invoice_charge(invoice["id"])
    fake_stripe.refund(charge["id"], 4_000)
    assert post_event(fake_stripe.event("charge.refunded", charge)).status_code == 200
    # invoice.paid arrives after the refund: the month was recorded once, from the refund.
    assert post_event(fake_stripe.event("invoice.paid", invoice)).status_code == 200
    renewal = Renewal.objects.get()
    assert (renewal.amount_minor, renewal.refunded_minor) == (10_000, 4_000)
    assert [(kind, p["amount_minor"]) for kind, p in effects()] == [
        ("paid", 10_000),
        ("renewed", 10_000),
        ("refunded", 4_000),
    ]


def test_a_refund_of_someone_elses_subscription_is_ignored(fake_stripe, checkout):
    payment, (_first, second) = monthly_gift(fake_stripe, checkout)
    charge = fake_stripe.invoice_charge(second["id"])
    fake_stripe.refund(charge["id"], 1_000)
    Renewal.objects.all().delete()
    Payment.objects.filter(pk=payment.pk).update(subscription_id="sub_elsewhere")
    fake_stripe.objects[second["id"]]["parent"]["subscription_details"]["metadata"] = {}
    assert post_event(fake_stripe.event("charge.refunded", charge)).status_code == 200
    record = WebhookEvent.objects.get(type="charge.refunded")
    assert (record.status, record.detail) == (WebhookEvent.Status.IGNORED, "not a portal payment")
    assert Refund.objects.count() == 0


def test_staff_partial_then_full_refund_of_a_later_month(fake_stripe, checkout):
    staff = User.objects.create_user("cashier", password="x")
    payment, (_first, second) = monthly_gift(fake_stripe, checkout)
    renewal = Renewal.objects.get()

    part = payments.refund(payment, 3_000, renewal=renewal, by_user=staff, note="asked")
    rest = payments.refund(payment, renewal=renewal, by_user=staff)

    renewal.refresh_from_db()
    assert (part.amount_minor, rest.amount_minor, renewal.refunded_minor) == (3_000, 7_000, 10_000)
    assert {r.renewal for r in Refund.objects.all()} == {renewal}
    calls = fake_stripe.calls("POST", "/v1/refunds")
    assert [call[2]["payment_intent"] for call in calls] == [renewal.payment_intent_id] * 2
    assert [call[2]["amount"] for call in calls] == ["3000", "7000"]
    assert payments.refund(payment, renewal=renewal) is None  # nothing left of that month
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PAID, 0)
    # Stripe's charge.refunded for the same refunds changes nothing more.
    charge = fake_stripe.invoice_charge(second["id"])
    assert post_event(fake_stripe.event("charge.refunded", charge)).status_code == 200
    assert refunded_effects() == [("refunded", 3_000, 3_000), ("refunded", 7_000, 10_000)]
    assert Refund.objects.get(pk=part.pk).by_user == staff


def test_staff_refund_of_the_first_month_of_a_monthly_gift(fake_stripe, checkout):
    payment, (first, _second) = monthly_gift(fake_stripe, checkout)
    payments.refund(payment, 1_000)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 1_000)
    (call,) = fake_stripe.calls("POST", "/v1/refunds")
    assert call[2]["payment_intent"] == fake_stripe.invoice_charge(first["id"])["payment_intent"]


def test_over_refund_of_a_month_is_refused_with_a_clear_error(fake_stripe, checkout):
    payment, _invoices = monthly_gift(fake_stripe, checkout)
    renewal = Renewal.objects.get()
    payments.refund(payment, 6_000, renewal=renewal)
    with translation.override("en"), pytest.raises(RefundError) as refused:
        payments.refund(payment, 4_001, renewal=renewal)
    assert str(refused.value) == (
        "At most ₽40 can be refunded from this charge: it took ₽100 and ₽60 of it was "
        "refunded already."
    )
    renewal.refresh_from_db()
    assert renewal.refunded_minor == 6_000
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1


def test_a_month_of_another_payment_is_refused(fake_stripe, checkout):
    _payment, _invoices = monthly_gift(fake_stripe, checkout)
    other = checkout(idempotency_key="one-off")
    session = fake_stripe.pay(other.payment.checkout_session_id)
    post_event(fake_stripe.event("checkout.session.completed", session))
    with pytest.raises(RefundError):
        payments.refund(other.payment, 100, renewal=Renewal.objects.get())
    assert fake_stripe.calls("POST", "/v1/refunds") == []


@pytest.fixture
def paid(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    post_event(fake_stripe.event("checkout.session.completed", session))
    start.payment.refresh_from_db()
    return start.payment


@pytest.mark.parametrize("event_type", ["charge.refund.updated", "refund.updated", "refund.failed"])
def test_a_refund_that_fails_gives_the_money_back(fake_stripe, paid, event_type):
    refund = payments.refund(paid, 50_000)
    paid.refresh_from_db()
    assert paid.refunded_minor == 50_000
    failed = fake_stripe.fail_refund(refund.stripe_refund_id)
    event = fake_stripe.event(event_type, failed)

    assert post_event(event).status_code == 200
    assert post_event(event).json() == {"outcome": "duplicate"}
    # Another event about the same failure (Stripe sends several) changes nothing more.
    assert (
        post_event(
            fake_stripe.event("charge.refunded", fake_stripe.charge_of(paid.checkout_session_id))
        ).status_code
        == 200
    )

    paid.refresh_from_db()
    assert (paid.status, paid.refunded_minor) == (Payment.Status.PAID, 0)
    refund.refresh_from_db()
    assert (refund.status, refund.failure_reason) == ("failed", "expired_or_canceled_card")
    assert not refund.counted
    assert refunded_effects() == [("refunded", 50_000, 50_000), ("refund_failed", 50_000, 0)]
    # The whole amount can be refunded again, as a new refund at Stripe.
    again = payments.refund(paid)
    assert again.amount_minor == 150_000
    assert again.stripe_refund_id != refund.stripe_refund_id


def test_a_failed_refund_of_a_later_month_gives_that_month_its_money_back(fake_stripe, checkout):
    _payment, (_first, second) = monthly_gift(fake_stripe, checkout)
    charge = fake_stripe.invoice_charge(second["id"])
    stripe_refund = fake_stripe.refund(charge["id"], 10_000)
    post_event(fake_stripe.event("charge.refunded", charge))
    assert Renewal.objects.get().refunded_minor == 10_000

    fake_stripe.fail_refund(stripe_refund["id"], "lost_or_stolen_card")
    assert post_event(fake_stripe.event("refund.failed", stripe_refund)).status_code == 200

    assert Renewal.objects.get().refunded_minor == 0
    assert Refund.objects.get().status == "failed"
    failed = effects("refund_failed")[0][1]
    assert (failed["amount_minor"], failed["invoice_id"]) == (10_000, second["id"])


def test_a_stale_refund_event_never_counts_a_failed_refund_again(fake_stripe, paid):
    refund = payments.refund(paid, 20_000)
    charge = fake_stripe.charge_of(paid.checkout_session_id)
    stripe_refund = fake_stripe.objects[refund.stripe_refund_id]
    fake_stripe.fail_refund(refund.stripe_refund_id)
    post_event(fake_stripe.event("charge.refund.updated", stripe_refund))
    # A delayed delivery whose fetch saw the refund still succeeded must not count it again:
    # the status only moves forward.
    stripe_refund["status"] = "succeeded"
    charge["amount_refunded"] = 20_000
    post_event(fake_stripe.event("charge.refunded", charge))
    paid.refresh_from_db()
    assert paid.refunded_minor == 0
    assert Refund.objects.get().status == "failed"
    assert refunded_effects() == [("refunded", 20_000, 20_000), ("refund_failed", 20_000, 0)]
