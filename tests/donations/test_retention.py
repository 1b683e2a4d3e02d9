"""Donors are anonymised when their accounting period is over (or at once when they never
paid); gifts, money rows and totals stay. Unconfirmed report subscribers are forgotten."""

import datetime

import pytest
from django.utils import timezone

from donations import retention, services
from donations.models import CampaignSubscriber, Donation, DonationEntry, Supporter
from payments.models import Payment
from tests.donations.conftest import pay_with_test_checkout, start

pytestmark = pytest.mark.usefixtures("demo_checkout")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def age(donation, days, entries_days=None):
    """Moves a gift, its supporter and its money rows into the past."""
    when = days_ago(days)
    Donation.objects.filter(pk=donation.pk).update(created_at=when, paid_at=when)
    Supporter.objects.filter(pk=donation.supporter_id).update(created_at=when)
    DonationEntry.objects.filter(donation=donation).update(
        created_at=days_ago(days if entries_days is None else entries_days)
    )


def paid_gift(campaign, email, **overrides):
    donation, _url = start(campaign, email=email, name="Anna K.", show_name=True, **overrides)
    return pay_with_test_checkout(donation)


def test_a_donor_gone_for_five_years_is_anonymised_and_the_money_stays(campaigns, settings):
    settings.DONATIONS_KEEP_DONOR_DATA_DAYS = 5 * 365
    campaign = campaigns.patrols
    old = paid_gift(campaign, "old@example.org", message="Держитесь!")
    Donation.objects.filter(pk=old.pk).update(message_status=Donation.MessageStatus.APPROVED)
    renewed = paid_gift(campaign, "renewed@example.org")
    recent = paid_gift(campaign, "recent@example.org")
    age(old, 5 * 365 + 1)
    age(renewed, 5 * 365 + 1, entries_days=300)  # charged or refunded within the period
    age(recent, 100)
    totals = services.progress(campaign)
    assert [row["name"] for row in services.donor_wall(campaign)] == ["Anna K."] * 3

    assert retention.forget_past_donors() == 1

    supporter = Supporter.objects.get(pk=old.supporter_id)
    assert supporter.email == f"forgotten-{supporter.pk}@forgotten.invalid"
    old.refresh_from_db()
    assert (old.name, old.show_name, old.message, old.message_status) == ("", False, "", "")
    assert (old.amount_minor, old.status) == (2500, Donation.Status.PAID)
    assert Payment.objects.get(pk=old.payment_id).customer_email == ""
    assert services.progress(campaign) == totals
    assert len(services.donor_wall(campaign)) == 2
    assert set(Supporter.objects.exclude(pk=supporter.pk).values_list("email", flat=True)) == {
        "renewed@example.org",
        "recent@example.org",
    }
    assert retention.forget_past_donors() == 0


def test_a_monthly_gift_still_running_keeps_its_donor(campaigns, settings):
    settings.DONATIONS_KEEP_DONOR_DATA_DAYS = 5 * 365
    monthly = paid_gift(campaigns.patrols, "monthly@example.org", frequency="monthly")
    assert monthly.is_monthly_active
    age(monthly, 6 * 365)

    assert retention.forget_past_donors() == 0

    assert Supporter.objects.get(pk=monthly.supporter_id).email == "monthly@example.org"


def test_someone_who_never_paid_is_forgotten_after_a_month(campaigns, settings):
    settings.RETENTION_UNCONFIRMED_DAYS = 30
    abandoned, _url = start(campaigns.patrols, email="abandoned@example.org")
    trying, _url = start(campaigns.patrols, email="trying@example.org")
    Donation.objects.filter(pk=abandoned.pk).update(status=Donation.Status.EXPIRED)
    age(abandoned, 31)
    age(trying, 10)

    assert retention.forget_past_donors() == 1

    assert Supporter.objects.get(pk=abandoned.supporter_id).email.endswith("@forgotten.invalid")
    assert Payment.objects.get(pk=abandoned.payment_id).customer_email == ""
    assert Supporter.objects.get(pk=trying.supporter_id).email == "trying@example.org"


def test_report_subscribers_who_never_confirmed_are_forgotten(campaigns, settings):
    settings.RETENTION_UNCONFIRMED_DAYS = 30

    def subscriber(email, status, sent_days_ago):
        row = CampaignSubscriber.objects.create(
            campaign=campaigns.patrols, email=email, language="en", status=status
        )
        CampaignSubscriber.objects.filter(pk=row.pk).update(
            created_at=days_ago(400), confirmation_sent_at=days_ago(sent_days_ago)
        )

    subscriber("silent@example.org", CampaignSubscriber.Status.PENDING, 31)
    subscriber("asked-again@example.org", CampaignSubscriber.Status.PENDING, 3)
    subscriber("reader@example.org", CampaignSubscriber.Status.ACTIVE, 400)
    subscriber("left@example.org", CampaignSubscriber.Status.UNSUBSCRIBED, 400)

    assert retention.forget_unconfirmed_subscribers() == 1

    assert set(CampaignSubscriber.objects.values_list("email", flat=True)) == {
        "asked-again@example.org",
        "reader@example.org",
        "left@example.org",
    }
