import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from payments.money import format_amount


class Payment(models.Model):
    """Money a visitor pays (or gives monthly) for one object of a registered purpose."""

    # A record, not content: Wagtail's reference index ("usage") gains nothing from it, and
    # indexing each save cost every booking and gift six queries.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting the visitor")
        PROCESSING = "processing", _("processing")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")
        REFUNDED = "refunded", _("refunded")

    class Mode(models.TextChoices):
        PAYMENT = "payment", _("one-off")
        SUBSCRIPTION = "subscription", _("monthly")

    class Provider(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        TEST = "test", _("test checkout (no money moves)")

    # Public: in Stripe's metadata and the test checkout's URL; never the sequential id.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=64, db_index=True)
    # What the money pays for, in whichever app registered the purpose.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("paid for (type)"), on_delete=models.PROTECT
    )
    object_id = models.CharField(_("paid for (id)"), max_length=64)
    paid_for = GenericForeignKey("content_type", "object_id")

    mode = models.CharField(_("mode"), max_length=16, choices=Mode, default=Mode.PAYMENT)
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    refunded_minor = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    status = models.CharField(
        _("status"), max_length=32, choices=Status, default=Status.OPEN, db_index=True
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider)

    description = models.CharField(_("description"), max_length=255)
    customer_email = models.EmailField(_("customer e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=16)
    success_url = models.URLField(_("success URL"), max_length=1000)
    cancel_url = models.URLField(_("cancel URL"), max_length=1000)
    expires_at = models.DateTimeField(_("checkout expires at"), null=True, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)

    checkout_session_id = models.CharField(
        _("checkout session"), max_length=255, unique=True, null=True, blank=True
    )
    checkout_url = models.URLField(_("checkout URL"), max_length=2000, blank=True)
    payment_intent_id = models.CharField(
        _("payment intent"), max_length=255, unique=True, null=True, blank=True
    )
    subscription_id = models.CharField(
        _("subscription"), max_length=255, unique=True, null=True, blank=True
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("refund_payment", _("Can refund payments"))]

    def __str__(self):
        return f"{self.description} · {self.amount_display()} · {self.get_status_display()}"

    def amount_display(self, language=None):
        return format_amount(self.amount_minor, self.currency, language)

    amount_display.short_description = _("amount")

    def refunded_display(self, language=None):
        return format_amount(self.refunded_minor, self.currency, language)

    refunded_display.short_description = _("refunded")

    @property
    def refundable_minor(self):
        if self.status not in (self.Status.PAID, self.Status.PARTIALLY_REFUNDED):
            return 0
        return max(self.amount_minor - self.refunded_minor, 0)

    @property
    def is_settled(self):
        return self.status in (
            self.Status.PAID,
            self.Status.PARTIALLY_REFUNDED,
            self.Status.REFUNDED,
        )


class Renewal(models.Model):
    """A later month of a monthly gift (Stripe invoice paid), recorded once per invoice.

    Each month is its own charge at Stripe: staff refund it, or part of it, on its own.
    """

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="renewals"
    )
    stripe_invoice_id = models.CharField(_("Stripe invoice"), max_length=255, unique=True)
    # The invoice's payment at Stripe: what a refund of this month names.
    payment_intent_id = models.CharField(
        _("payment intent"), max_length=255, unique=True, null=True, blank=True
    )
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    refunded_minor = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    paid_at = models.DateTimeField(_("paid at"), auto_now_add=True)

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        ordering = ["-paid_at", "-id"]

    def __str__(self):
        return self.stripe_invoice_id

    @property
    def refundable_minor(self):
        return max(self.amount_minor - self.refunded_minor, 0)


class Refund(models.Model):
    """Money given back, by staff in the admin or in Stripe's dashboard.

    One row per Stripe refund. While its status is pending, requires_action or succeeded the
    money counts as refunded; a refund that fails (or is cancelled) gives the money back.
    """

    class Reason(models.TextChoices):
        REQUESTED_BY_CUSTOMER = "requested_by_customer", _("requested by the visitor")
        DUPLICATE = "duplicate", _("duplicate payment")
        FRAUDULENT = "fraudulent", _("fraudulent")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        REQUIRES_ACTION = "requires_action", _("requires action")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed: the money was not returned")
        CANCELED = "canceled", _("cancelled: the money was not returned")

    # The statuses under which the money counts as given back.
    COUNTED = (Status.PENDING, Status.REQUIRES_ACTION, Status.SUCCEEDED)

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    # The later month refunded; empty for the payment's first charge.
    renewal = models.ForeignKey(
        Renewal,
        verbose_name=_("month refunded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, unique=True)
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    reason = models.CharField(_("reason"), max_length=32, choices=Reason, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("Stripe status"), max_length=32, choices=Status, db_index=True)
    failure_reason = models.CharField(_("why it failed"), max_length=64, blank=True)
    # Empty for a refund made in Stripe's dashboard (recorded from its webhook).
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The admin form's token: a second submission of the same form refunds nothing more.
    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return (
            f"{self.stripe_refund_id} · {format_amount(self.amount_minor, self.payment.currency)}"
        )

    @property
    def counted(self):
        return self.status in self.COUNTED

    def amount_display(self, language=None):
        return format_amount(self.amount_minor, self.payment.currency, language)

    amount_display.short_description = _("amount")


class WebhookEvent(models.Model):
    """Every signed event received, under its unique id, with what became of it."""

    class Status(models.TextChoices):
        PROCESSED = "processed", _("processed")
        IGNORED = "ignored", _("ignored")
        FAILED = "failed", _("failed")

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=128, db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=Payment.Provider)
    livemode = models.BooleanField(_("live mode"), default=False)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("outcome"), max_length=16, choices=Status, db_index=True)
    detail = models.TextField(_("detail"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        permissions = [("retry_webhookevent", _("Can retry failed Stripe events"))]

    def __str__(self):
        return f"{self.event_id} {self.type}"


class TestCheckoutSession(models.Model):
    """The embedded mode's stand-in for a Stripe Checkout Session: no money moves.

    The webhook fetches it instead of Stripe's session, so the same code acts on it.
    """

    __test__ = False  # a model, not a pytest test class

    session_id = models.CharField(max_length=64, unique=True)
    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="test_session")
    status = models.CharField(max_length=16, default="open")
    payment_status = models.CharField(max_length=16, default="unpaid")
    payment_intent_id = models.CharField(max_length=64, blank=True)
    charge_id = models.CharField(max_length=64, blank=True)
    subscription_id = models.CharField(max_length=64, blank=True)
    # Refunds as Stripe would list them for the charge.
    refunds = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # Set when the session expired because its time ran out (not because the visitor left).
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("test checkout session")
        verbose_name_plural = _("test checkout sessions")

    def __str__(self):
        return self.session_id
