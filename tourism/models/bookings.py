"""Bookings (held, then confirmed by payment), the waiting list and group requests."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tourism import conf

# No 0/O or 1/I/L: a reference is read out over the phone at the visitor centre.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix="LT"):
    return prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def new_group_reference():
    return new_reference("GR")


PARTY_CATEGORIES = ("adults", "children", "pupils", "infants")


class Booking(models.Model):
    """Places on one slot for one party: held while the visitor pays, then confirmed."""

    class Status(models.TextChoices):
        HELD = "held", _("held, awaiting payment")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("hold expired")
        # Paid after the hold expired when no place was left: the money went back.
        REFUSED = "refused", _("paid too late, refunded")

    class Source(models.TextChoices):
        ONLINE = "online", _("online")
        WAITING_LIST = "waiting_list", _("waiting list")
        GROUP = "group", _("group request")

    # A booking is a record, not content: Wagtail's reference index ("usage") gains nothing
    # from it, and indexing every save cost the booking rush four queries per save.
    wagtail_reference_index_ignore = True

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    # Sent with the booking form: the same form submitted twice finds the first booking.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    slot = models.ForeignKey(
        "tourism.Slot",
        verbose_name=_("tour date"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.HELD, db_index=True
    )
    source = models.CharField(_("source"), max_length=16, choices=Source, default=Source.ONLINE)

    adults = models.PositiveSmallIntegerField(_("adults"), default=0)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    pupils = models.PositiveSmallIntegerField(_("school pupils"), default=0)
    infants = models.PositiveSmallIntegerField(_("free (young children)"), default=0)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    amount_minor = models.PositiveIntegerField(_("price (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default=conf.CURRENCY)
    refunded_minor = models.PositiveIntegerField(_("refunded (minor units)"), default=0)

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    # The client whose form made an online hold, as a keyed digest (cms.ratelimits.client_digest),
    # never the address: one client's unpaid holds on a date are limited (services.hold_places).
    held_by = models.CharField(max_length=32, blank=True, default="", editable=False)
    payment = models.ForeignKey(
        "payments.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["slot", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    places=models.F("adults")
                    + models.F("children")
                    + models.F("pupils")
                    + models.F("infants")
                ),
                name="tourism_booking_places_add_up",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="tourism_booking_not_empty"),
        ]
        permissions = [("run_tourism_desk", _("Can run the tourism desk"))]

    def __str__(self):
        return f"{self.reference} · {self.name}"

    @property
    def is_active(self):
        return self.status in (self.Status.HELD, self.Status.CONFIRMED)

    def party(self):
        return {category: getattr(self, category) for category in PARTY_CATEGORIES}


class WaitingListEntry(models.Model):
    """Someone waiting for places on a full slot, served first come, first served."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("places offered")
        BOOKED = "booked", _("booked")
        LAPSED = "lapsed", _("offer lapsed")
        CLOSED = "closed", _("closed (tour date cancelled or past)")

    slot = models.ForeignKey(
        "tourism.Slot",
        verbose_name=_("tour date"),
        on_delete=models.CASCADE,
        related_name="waiting_list",
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    adults = models.PositiveSmallIntegerField(_("adults"), default=0)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    pupils = models.PositiveSmallIntegerField(_("school pupils"), default=0)
    infants = models.PositiveSmallIntegerField(_("free (young children)"), default=0)
    places = models.PositiveSmallIntegerField(
        _("places wanted"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.WAITING, db_index=True
    )
    offer = models.OneToOneField(
        Booking,
        verbose_name=_("offered booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waiting_list_entry",
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "email"], name="tourism_waiting_once_per_slot")
        ]

    def __str__(self):
        return f"{self.slot} · {self.email}"

    def party(self):
        return {category: getattr(self, category) for category in PARTY_CATEGORIES}


class GroupRequest(models.Model):
    """A school class or another group asking for a guided visit; staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_group_reference, editable=False
    )
    # Where the request came from (e.g. "education:1A2B3C4D"): asking twice makes one request.
    source_reference = models.CharField(
        _("source reference"), max_length=80, unique=True, null=True, blank=True
    )
    tour = models.ForeignKey(
        "tourism.TourPage",
        verbose_name=_("tour"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the desk chooses the tour."),
    )
    organisation = models.CharField(_("school or organisation"), max_length=200)
    contact_name = models.CharField(_("teacher or leader"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    group_size = models.PositiveSmallIntegerField(
        _("pupils or participants"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    accompanying_adults = models.PositiveSmallIntegerField(
        _("accompanying adults"), default=1, validators=[MaxValueValidator(50)]
    )
    age_from = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    visit_language = models.CharField(
        _("language of the visit"), max_length=10, choices=settings.LANGUAGES
    )
    contact_language = models.CharField(
        _("contact's language"), max_length=10, choices=settings.LANGUAGES
    )
    preferred_dates = models.JSONField(_("preferred dates"), default=list)
    notes = models.TextField(_("wishes and needs"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_request",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group request")
        verbose_name_plural = _("group requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.reference} · {self.organisation}"

    @property
    def places(self):
        return self.group_size + self.accompanying_adults
