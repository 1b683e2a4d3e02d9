"""Raised totals come from confirmed payments minus refunds, exact to the minor unit."""

import threading

import pytest
from django.db import connection

import payments
from donations import services
from donations.models import Donation, DonationEntry
from tests.donations.conftest import (
    committed,
    deliver,
    pay_with_test_checkout,
    post_event,
    progress_events,
    sent_to,
    start,
)


def test_a_paid_gift_counts_and_is_published_live(campaigns, demo_checkout, mailoutbox):
    donation, url = start(campaigns.patrols, amount_minor=2501)
    assert url.startswith("/en/payments/test-checkout/")
    assert services.progress(campaigns.patrols).raised_minor == 0

    pay_with_test_checkout(donation)

    progress = services.progress(campaigns.patrols)
    assert (progress.raised_minor, progress.gifts, progress.goal_minor) == (2501, 1, 7_000_000)
    assert progress.raised_display("en") == "$25.01"
    assert donation.status == Donation.Status.PAID
    [event] = progress_events(campaigns.patrols)
    assert event.payload == {
        "campaign_id": campaigns.patrols.pk,
        "raised_minor": 2501,
        "goal_minor": 7_000_000,
        "currency": "USD",
        "gifts": 1,
        "per_mille": 0,
    }
    assert event.localized["ru"]["raised"] == "25,01\xa0$"
    assert event.localized["en"]["gifts"] == "1 donation"
    assert "anna@example.org" not in str(event.payload) + str(event.localized)
    [receipt] = sent_to("anna@example.org")
    assert "$25.01" in receipt.body


def test_the_share_of_the_goal_is_rounded_down_never_up(campaigns, demo_checkout):
    donation, _url = start(campaigns.patrols, amount_minor=500_000)
    pay_with_test_checkout(donation)
    progress = services.progress(campaigns.patrols)
    # 5,000 of 70,000 is 7.142…%: shown as 7.1, never 7.2.
    assert progress.per_mille == 71
    assert progress.texts("en")["percent"] == "7.1% of the goal"
    assert progress.texts("ru")["percent"] == "7,1% от цели"


def test_the_second_delivery_of_a_payment_changes_nothing(campaigns, fake_stripe):
    donation, _url = start(campaigns.patrols, amount_minor=6000)
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    event = fake_stripe.event("checkout.session.completed", session)

    assert deliver(event).status_code == 200
    assert deliver(event).json() == {"outcome": "duplicate"}
    # Stripe's other event for the same payment (a new id) is no new gift either.
    assert deliver(fake_stripe.event("checkout.session.completed", session)).status_code == 200

    assert services.progress(campaigns.patrols).raised_minor == 6000
    assert DonationEntry.objects.count() == 1
    assert len(progress_events(campaigns.patrols)) == 1


def test_refunds_and_partial_refunds_lower_the_total(campaigns, demo_checkout):
    kept, _url = start(campaigns.patrols, amount_minor=10_000, email="kept@example.org")
    pay_with_test_checkout(kept)
    refunded, _url = start(campaigns.patrols, amount_minor=4_000, email="back@example.org")
    pay_with_test_checkout(refunded)
    assert services.progress(campaigns.patrols).raised_minor == 14_000

    with committed():
        payments.refund(refunded.payment, 1_500)
    refunded.refresh_from_db()
    assert refunded.status == Donation.Status.PARTIALLY_REFUNDED
    progress = services.progress(campaigns.patrols)
    assert (progress.raised_minor, progress.gifts) == (12_500, 2)

    with committed():
        payments.refund(refunded.payment)  # the rest
    refunded.refresh_from_db()
    assert refunded.status == Donation.Status.REFUNDED
    progress = services.progress(campaigns.patrols)
    assert (progress.raised_minor, progress.gifts) == (10_000, 1)
    # Each change of the total was published, the last one with the final figure.
    assert progress_events(campaigns.patrols)[-1].payload["raised_minor"] == 10_000


def test_a_refund_made_in_stripes_dashboard_lowers_the_total(campaigns, fake_stripe):
    donation, _url = start(campaigns.patrols, amount_minor=9_999)
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    charge = fake_stripe.charge_of(session["id"])
    fake_stripe.refund(charge["id"], 3_333)
    refund_event = fake_stripe.event("charge.refunded", fake_stripe.objects[charge["id"]])

    deliver(refund_event)
    deliver(refund_event)

    assert services.progress(campaigns.patrols).raised_minor == 6_666


def test_monthly_invoices_add_each_month_once(campaigns, fake_stripe, mailoutbox):
    donation, _url = start(
        campaigns.patrols, amount_minor=2_000, frequency=Donation.Frequency.MONTHLY
    )
    assert donation.payment.mode == "subscription"
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    first_invoice = next(o for o in fake_stripe.objects.values() if o["object"] == "invoice")
    deliver(fake_stripe.event("invoice.paid", first_invoice))
    assert services.progress(campaigns.patrols).raised_minor == 2_000

    for _month in range(2):
        renewal = fake_stripe.event("invoice.paid", fake_stripe.renew(session["id"]))
        deliver(renewal)
        deliver(renewal)

    progress = services.progress(campaigns.patrols)
    assert (progress.raised_minor, progress.gifts) == (6_000, 3)
    receipts = sent_to("anna@example.org")
    assert len(receipts) == 3
    # Every receipt of a monthly gift carries the signed link that cancels it.
    assert all("/en/donations/monthly/cancel/" in receipt.body for receipt in receipts)


def test_payments_that_fail_or_expire_add_nothing(campaigns, demo_checkout):
    from payments import local_checkout

    donation, _url = start(campaigns.patrols)
    with committed():
        local_checkout.expire(donation.payment.test_session.session_id)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED
    assert services.progress(campaigns.patrols).raised_minor == 0
    assert progress_events(campaigns.patrols) == []


DONORS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_totals_are_exact_under_concurrent_webhook_deliveries(fake_stripe):
    """Eight gifts, each delivered twice, all at once (PostgreSQL in CI, SQLite here too)."""
    from tests.donations.conftest import build_campaigns

    campaigns = build_campaigns()
    amounts = [1_001 + 137 * n for n in range(DONORS)]
    events = []
    for n, amount in enumerate(amounts):
        donation, _url = start(campaigns.patrols, amount_minor=amount, email=f"d{n}@example.org")
        session = fake_stripe.pay(donation.payment.checkout_session_id)
        events.append(fake_stripe.event("checkout.session.completed", session))
    deliveries = events * 2
    barrier = threading.Barrier(len(deliveries))
    statuses, errors = [], []

    def deliver_once(event):
        try:
            barrier.wait(timeout=20)
            statuses.append(post_event(event).status_code)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_once, args=(event,)) for event in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert statuses == [200] * len(deliveries)
    progress = services.progress(campaigns.patrols)
    assert (progress.raised_minor, progress.gifts) == (sum(amounts), DONORS)
    published = progress_events(campaigns.patrols)
    assert len(published) == DONORS
    # Published under the campaign's lock: the totals rise with each event, the last is exact.
    assert [e.payload["gifts"] for e in published] == list(range(1, DONORS + 1))
    assert published[-1].payload["raised_minor"] == sum(amounts)
