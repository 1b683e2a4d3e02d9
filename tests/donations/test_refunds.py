"""Refunds of monthly gifts, month by month, and refunds that fail: the campaign's total moves
by exactly the money that moved."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

import payments
from donations import services
from donations.models import Donation, DonationEntry
from payments.models import Refund, Renewal, TestCheckoutSession
from tests.donations.conftest import committed, deliver, post_event, progress_events, start
from tests.donations.test_admin import staff_client


def monthly_donation(campaigns, fake_stripe, amount_minor=2_000, months=2, **overrides):
    """A monthly gift, its first month and `months - 1` later months, each delivered."""
    donation, _url = start(
        campaigns.patrols,
        amount_minor=amount_minor,
        frequency=Donation.Frequency.MONTHLY,
        **overrides,
    )
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    deliver(fake_stripe.event("invoice.paid", fake_stripe.objects[session["invoice"]]))
    invoices = [fake_stripe.objects[session["invoice"]]]
    for _month in range(months - 1):
        invoice = fake_stripe.renew(session["id"])
        deliver(fake_stripe.event("invoice.paid", invoice))
        invoices.append(invoice)
    donation.refresh_from_db()
    return donation, invoices


def raised(campaigns):
    return services.progress(campaigns.patrols).raised_minor


def test_a_dashboard_refund_of_a_later_month_lowers_the_total_by_that_amount_once(
    campaigns, fake_stripe
):
    donation, (_first, second) = monthly_donation(campaigns, fake_stripe, amount_minor=2_001)
    assert raised(campaigns) == 4_002
    charge = fake_stripe.invoice_charge(second["id"])
    stripe_refund = fake_stripe.refund(charge["id"], 777)
    event = fake_stripe.event("charge.refunded", charge)

    for _delivery in range(5):
        deliver(event)
    for _delivery in range(5):  # Stripe's other events about the same refund
        deliver(fake_stripe.event("charge.refund.updated", stripe_refund))

    assert raised(campaigns) == 4_002 - 777
    assert Refund.objects.get().renewal == Renewal.objects.get()
    refunds = DonationEntry.objects.filter(kind=DonationEntry.Kind.REFUND)
    assert list(refunds.values_list("amount_minor", "key")) == [
        (-777, f"refund:{stripe_refund['id']}")
    ]
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PARTIALLY_REFUNDED
    assert donation.is_monthly_active  # the gift goes on
    assert progress_events(campaigns.patrols)[-1].payload["raised_minor"] == 3_225


def test_a_refunded_month_is_its_own_money_not_the_first_months(campaigns, fake_stripe):
    donation, (first, second, _third) = monthly_donation(campaigns, fake_stripe, months=3)
    charge = fake_stripe.invoice_charge(second["id"])
    fake_stripe.refund(charge["id"], None)  # that whole month
    deliver(fake_stripe.event("charge.refunded", charge))
    assert raised(campaigns) == 4_000
    donation.refresh_from_db()
    # The same amount as the first month, refunded in full, but one month of three.
    assert donation.status == Donation.Status.PARTIALLY_REFUNDED
    first_charge = fake_stripe.invoice_charge(first["id"])
    fake_stripe.refund(first_charge["id"], None)
    deliver(fake_stripe.event("charge.refunded", first_charge))
    assert raised(campaigns) == 2_000
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PARTIALLY_REFUNDED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dashboard_refund_of_a_month_delivered_ten_times_at_once_counts_once(fake_stripe):
    """PostgreSQL in CI (SQLite here too): ten deliveries at once, five of them the same event."""
    from tests.donations.conftest import build_campaigns

    campaigns = build_campaigns()
    _donation, (_first, second) = monthly_donation(campaigns, fake_stripe, amount_minor=1_999)
    charge = fake_stripe.invoice_charge(second["id"])
    stripe_refund = fake_stripe.refund(charge["id"], 1_234)
    event = fake_stripe.event("charge.refunded", charge)
    deliveries = [event] * 5 + [
        fake_stripe.event("charge.refunded", charge),
        fake_stripe.event("charge.refunded", charge),
        fake_stripe.event("charge.refund.updated", stripe_refund),
        fake_stripe.event("refund.updated", stripe_refund),
        fake_stripe.event("charge.refund.updated", stripe_refund),
    ]
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
    assert raised(campaigns) == 2 * 1_999 - 1_234
    assert Refund.objects.count() == 1
    assert DonationEntry.objects.filter(kind=DonationEntry.Kind.REFUND).count() == 1
    assert progress_events(campaigns.patrols)[-1].payload["raised_minor"] == 2 * 1_999 - 1_234


def test_staff_refund_part_then_the_rest_of_one_month_from_the_fundraising_screen(
    campaigns, fake_stripe
):
    donation, _invoices = monthly_donation(campaigns, fake_stripe, amount_minor=1_500, months=3)
    assert raised(campaigns) == 4_500
    client = staff_client("Fundraising")
    donation_url = f"/admin/donations/inspect/{donation.pk}/"
    page = client.get(donation_url).content.decode()
    second, _third = Renewal.objects.order_by("paid_at", "pk")
    month_url = f"/admin/payments/refund/{donation.payment_id}/month/{second.pk}/"
    assert f"{month_url}?next=" in page
    assert f"/admin/payments/refund/{donation.payment_id}/?next=" in page  # the first month

    refund_page = client.get(month_url, {"next": donation_url})
    token = refund_page.context["form"].initial["token"]
    part = {"amount": "4.99", "reason": "requested_by_customer", "note": "", "token": token}
    with committed():
        response = client.post(f"{month_url}?next={donation_url}", part)
    assert (response.status_code, response["Location"]) == (302, donation_url)
    assert raised(campaigns) == 4_500 - 499

    rest_page = client.get(month_url)
    assert rest_page.context["form"].initial["amount"] == Decimal("10.01")
    rest = {"amount": "10.01", "reason": "requested_by_customer", "token": "second-form"}
    with committed():
        assert client.post(month_url, rest).status_code == 302
    assert raised(campaigns) == 4_500 - 1_500
    second.refresh_from_db()
    assert second.refunded_minor == 1_500
    assert Renewal.objects.exclude(pk=second.pk).get().refunded_minor == 0
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PARTIALLY_REFUNDED
    assert month_url not in client.get(donation_url).content.decode()  # nothing left of it


def test_an_over_refund_is_refused_with_a_clear_error(campaigns, fake_stripe):
    donation, _invoices = monthly_donation(campaigns, fake_stripe, amount_minor=1_500)
    renewal = Renewal.objects.get()
    client = staff_client("Fundraising")
    month_url = f"/admin/payments/refund/{donation.payment_id}/month/{renewal.pk}/"
    data = {"amount": "15.01", "reason": "duplicate", "token": "too-much"}
    response = client.post(month_url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "Это больше, чем было списано: вернуть можно не больше 15\xa0$."
    ]
    assert raised(campaigns) == 3_000
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_a_refund_that_fails_puts_the_money_back_in_the_total(campaigns, fake_stripe):
    donation, _url = start(campaigns.patrols, amount_minor=9_000)
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    with committed():
        refund = payments.refund(donation.payment)
    donation.refresh_from_db()
    assert (raised(campaigns), donation.status) == (0, Donation.Status.REFUNDED)
    assert services.progress(campaigns.patrols).gifts == 0

    failed = fake_stripe.fail_refund(refund.stripe_refund_id)
    deliver(fake_stripe.event("charge.refund.updated", failed))
    deliver(fake_stripe.event("refund.failed", failed))

    progress = services.progress(campaigns.patrols)
    assert (progress.raised_minor, progress.gifts) == (9_000, 1)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert progress_events(campaigns.patrols)[-1].payload["raised_minor"] == 9_000
    assert list(donation.entries.values_list("kind", "amount_minor")) == [
        ("paid", 9_000),
        ("refund", -9_000),
        ("refund_failed", 9_000),
    ]
    per_campaign = {row["campaign"]: row for row in services.totals_per_campaign()}
    assert (per_campaign["Патрули"]["raised"], per_campaign["Патрули"]["refunded"]) == (9_000, 0)


def test_a_test_checkout_past_its_time_tells_the_donor_and_counts_nothing(campaigns, demo_checkout):
    donation, url = start(campaigns.patrols, language="ru")
    TestCheckoutSession.objects.filter(payment=donation.payment).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with committed():
        response = Client().post(f"{url}complete/")
    assert response.status_code == 409
    assert "Время на оплату истекло" in response.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED
    assert raised(campaigns) == 0
