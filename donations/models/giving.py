"""Donors, their gifts, the money each gift moved, and the campaigns' report subscribers."""

import secrets
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from payments.money import format_amount


class Supporter(models.Model):
    """A donor, known by e-mail only: no account, no password."""

    email = models.EmailField(_("e-mail"), unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Part of every sign-in link: using a link changes it, so each link works once.
    signed_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")

    def __str__(self):
        return self.email


class Donation(models.Model):
    """One gift to a campaign: once, or monthly until cancelled, maybe sponsoring a leopard."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting payment")
        PAID = "paid", _("paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
        REFUNDED = "refunded", _("refunded")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("not completed")

    class Frequency(models.TextChoices):
        ONCE = "once", _("once")
        MONTHLY = "monthly", _("monthly")

    class MessageStatus(models.TextChoices):
        NONE = "", _("no message")
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    # Public in links (thank-you page); the sequential id never leaves the admin.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        "donations.CampaignPage",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="donations",
    )
    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.PROTECT, related_name="donations"
    )
    leopard = models.ForeignKey(
        "wildlife.LeopardPage",
        verbose_name=_("sponsored leopard"),
        null=True,
        blank=True,
        # A profile taken down keeps its sponsors' money and receipts.
        on_delete=models.SET_NULL,
        related_name="sponsorships",
    )
    payment = models.OneToOneField(
        "payments.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donation",
    )
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency, default=Frequency.ONCE
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    show_name = models.BooleanField(_("name shown on the donor wall"), default=False)
    message = models.TextField(_("message"), max_length=500, blank=True)
    message_status = models.CharField(
        _("message"), max_length=10, choices=MessageStatus, default=MessageStatus.NONE, blank=True
    )
    wants_updates = models.BooleanField(_("asked for campaign reports"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    monthly_cancelled_at = models.DateTimeField(
        _("monthly gift cancelled at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("moderate_donation_messages", _("Can approve donors' messages")),
            ("view_fundraising_totals", _("Can see fundraising totals")),
            ("stop_monthly_donation", _("Can stop a donor's monthly gift")),
            ("resend_donation_receipt", _("Can resend a receipt")),
        ]

    def __str__(self):
        return f"{self.campaign.title} · {self.amount_display()}"

    def amount_display(self, language=None):
        return format_amount(self.amount_minor, self.currency, language)

    amount_display.short_description = _("amount")

    @property
    def is_confirmed(self):
        return self.status in (self.Status.PAID, self.Status.PARTIALLY_REFUNDED)

    @property
    def is_monthly_active(self):
        return (
            self.frequency == self.Frequency.MONTHLY
            and self.monthly_cancelled_at is None
            and self.is_confirmed
        )

    @property
    def email(self):
        return self.supporter.email

    @property
    def public_name(self):
        return self.name if self.show_name and self.name else ""


class EntryQuerySet(models.QuerySet):
    def progress_of(self, campaigns):
        """{campaign id: Progress} from the money rows, in two queries at most for any number."""
        from donations.progress import Progress

        campaigns = list(campaigns)
        rows = (
            self.filter(donation__campaign__in=[c.pk for c in campaigns])
            .values("donation__campaign")
            .annotate(
                raised=Sum("amount_minor"),
                gifts=Count(
                    "pk",
                    filter=Q(kind__in=DonationEntry.GIFT_KINDS)
                    & ~Q(donation__status=Donation.Status.REFUNDED),
                ),
            )
        )
        found = defaultdict(lambda: (0, 0))
        for row in rows:
            found[row["donation__campaign"]] = (row["raised"] or 0, row["gifts"])
        return {
            c.pk: Progress(found[c.pk][0], found[c.pk][1], c.goal_minor, c.currency)
            for c in campaigns
        }


class DonationEntry(models.Model):
    """Money a donation moved: the first payment, a later month, a refund (negative), or a
    refund that failed afterwards (positive: the money stayed).

    Totals are sums of these rows, never a counter: a row is written once, in the webhook's
    transaction, under a unique key, so a repeated or concurrent delivery adds nothing.
    """

    class Kind(models.TextChoices):
        PAID = "paid", _("gift")
        RENEWAL = "renewal", _("monthly gift")
        REFUND = "refund", _("refund")
        REFUND_FAILED = "refund_failed", _("failed refund (money kept)")

    GIFT_KINDS = (Kind.PAID, Kind.RENEWAL)
    # Refunds (negative) and the refunds that failed afterwards (positive again).
    REFUND_KINDS = (Kind.REFUND, Kind.REFUND_FAILED)

    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    # What makes the movement unique: the payment, the month's invoice, the Stripe refund.
    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation entry")
        verbose_name_plural = _("donation entries")
        ordering = ["created_at", "id"]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {format_amount(self.amount_minor, self.donation.currency)}"
        )

    @property
    def receipt_number(self):
        return f"D-{self.created_at:%Y}-{self.pk:06d}"


def new_token():
    return secrets.token_urlsafe(32)


class CampaignSubscriber(models.Model):
    """An address that asked for a campaign's reports; active only once it confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("subscribed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    campaign = models.ForeignKey(
        "donations.CampaignPage",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="report_subscribers",
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    # In the confirmation and unsubscribe links; whoever holds the mailbox holds it.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report subscriber")
        verbose_name_plural = _("report subscribers")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"], name="donations_subscriber_once_per_campaign"
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.get_status_display()})"


class ReportMailing(models.Model):
    """Marks a report as sent: publishing it again (after an edit) sends nothing more."""

    report = models.OneToOneField(
        "donations.CampaignReportPage", on_delete=models.CASCADE, related_name="mailing"
    )
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report mailing")
        verbose_name_plural = _("report mailings")

    def __str__(self):
        return str(self.report)


class ReportDelivery(models.Model):
    """One report to one subscriber: claimed before sending, unique, so never sent twice."""

    report = models.ForeignKey(
        "donations.CampaignReportPage", on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        CampaignSubscriber, on_delete=models.CASCADE, related_name="deliveries"
    )
    batch = models.UUIDField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "subscriber"], name="donations_report_once_per_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.report} → {self.subscriber_id}"
