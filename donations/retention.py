"""What donations keep of donors and readers, and for how long (run daily by the scheduler;
docs/donations.md, "Retention").

Gifts, their money rows (DonationEntry) and their payments are accounting records: they stay,
with amounts, dates, campaigns and sponsored leopards. What identifies the donor goes:
- A supporter with no gift or money movement for DONATIONS_KEEP_DONOR_DATA_DAYS (5 years, the
  accounting period) and no monthly gift still running is anonymised: the address becomes
  `forgotten-<id>@forgotten.invalid`, the gifts lose their name and message (and leave the
  donor wall), the payments lose the payer's address.
- A supporter who never paid (checkouts abandoned) is anonymised the same way
  RETENTION_UNCONFIRMED_DAYS (30) after the last attempt.
- Report subscribers who never confirmed are deleted RETENTION_UNCONFIRMED_DAYS after their
  last confirmation link. Confirmed and unsubscribed subscriptions are the reader's own
  choice, kept until changed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import payments
from donations.models import CampaignSubscriber, Donation, Supporter

FORGOTTEN_DOMAIN = "forgotten.invalid"
EVER_PAID = (
    Donation.Status.PAID,
    Donation.Status.PARTIALLY_REFUNDED,
    Donation.Status.REFUNDED,
)


def keep_donor_data():
    return timedelta(days=getattr(settings, "DONATIONS_KEEP_DONOR_DATA_DAYS", 5 * 365))


def unconfirmed_retention():
    return timedelta(days=getattr(settings, "RETENTION_UNCONFIRMED_DAYS", 30))


def forget_unconfirmed_subscribers(now=None):
    now = now or timezone.now()
    cutoff = now - unconfirmed_retention()
    return (
        CampaignSubscriber.objects.filter(status=CampaignSubscriber.Status.PENDING)
        .filter(
            Q(confirmation_sent_at__lt=cutoff)
            | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff)
        )
        .delete()[1]
        .get("donations.CampaignSubscriber", 0)
    )


def _active_since(cutoff):
    """Supporters who gave, were charged, refunded or stopped a monthly gift since `cutoff`."""
    return Supporter.objects.filter(
        Q(donations__created_at__gte=cutoff)
        | Q(donations__entries__created_at__gte=cutoff)
        | Q(donations__monthly_cancelled_at__gte=cutoff)
    ).values("pk")


def donors_to_forget(now):
    kept_for_accounting = now - keep_donor_data()
    unpaid = now - unconfirmed_retention()
    monthly_running = Supporter.objects.filter(
        donations__frequency=Donation.Frequency.MONTHLY,
        donations__monthly_cancelled_at=None,
        donations__status__in=(Donation.Status.PAID, Donation.Status.PARTIALLY_REFUNDED),
    ).values("pk")
    ever_paid = Supporter.objects.filter(donations__status__in=EVER_PAID).values("pk")
    remembered = Supporter.objects.exclude(email__endswith=f"@{FORGOTTEN_DOMAIN}").exclude(
        pk__in=monthly_running
    )
    long_gone = remembered.filter(created_at__lt=kept_for_accounting).exclude(
        pk__in=_active_since(kept_for_accounting)
    )
    never_paid = (
        remembered.filter(created_at__lt=unpaid)
        .exclude(pk__in=ever_paid)
        .exclude(pk__in=_active_since(unpaid))
    )
    return set(long_gone.values_list("pk", flat=True)) | set(
        never_paid.values_list("pk", flat=True)
    )


def forget_past_donors(now=None):
    """Anonymises the supporters whose time is up; returns how many."""
    now = now or timezone.now()
    ids = sorted(donors_to_forget(now))
    with transaction.atomic():
        for pk in ids:
            Supporter.objects.filter(pk=pk).update(
                email=f"forgotten-{pk}@{FORGOTTEN_DOMAIN}", signed_in_at=None
            )
        gifts = Donation.objects.filter(supporter_id__in=ids)
        payments.forget_customers(gifts.exclude(payment=None).values_list("payment_id", flat=True))
        gifts.update(
            name="", show_name=False, message="", message_status=Donation.MessageStatus.NONE
        )
    return len(ids)
