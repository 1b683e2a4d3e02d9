"""Dated departures of a tour, and how many places each still has."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tourism import conf


def taking_places(now, prefix=""):
    """Bookings that occupy places at `now`: confirmed ones and holds that have not expired.

    Availability is always computed from these rows, never kept in a counter that can drift.
    """
    from tourism.models.bookings import Booking

    return Q(**{f"{prefix}status": Booking.Status.CONFIRMED}) | Q(
        **{f"{prefix}status": Booking.Status.HELD, f"{prefix}hold_expires_at__gt": now}
    )


class SlotQuerySet(models.QuerySet):
    def with_taken(self, now=None):
        now = now or timezone.now()
        return self.annotate(
            taken=Coalesce(Sum("bookings__places", filter=taking_places(now, "bookings__")), 0)
        )


class Slot(models.Model):
    """One departure of a tour: a start time, places, a guide's language and prices."""

    class Status(models.TextChoices):
        OPEN = "open", _("open for booking")
        CLOSED = "closed", _("closed for booking")
        CANCELLED = "cancelled", _("cancelled")

    tour = models.ForeignKey(
        "tourism.TourPage", verbose_name=_("tour"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    guide_language = models.CharField(
        _("guide's language"), max_length=10, choices=settings.LANGUAGES, default="ru"
    )
    # Whole roubles: tickets are priced in roubles; payments get minor units (× 100).
    price_adult = models.PositiveIntegerField(_("adult price (₽)"))
    price_child = models.PositiveIntegerField(_("child price (₽)"))
    price_pupil = models.PositiveIntegerField(_("school pupil price (₽)"))
    child_under_age = models.PositiveSmallIntegerField(
        _("child price under the age of"), default=14, validators=[MaxValueValidator(18)]
    )
    free_under_age = models.PositiveSmallIntegerField(
        _("free under the age of"), default=5, validators=[MaxValueValidator(18)]
    )
    min_party = models.PositiveSmallIntegerField(
        _("smallest party"), default=1, validators=[MinValueValidator(1)]
    )
    max_party = models.PositiveSmallIntegerField(
        _("largest party"), default=8, validators=[MinValueValidator(1)]
    )
    opens_days_before = models.PositiveSmallIntegerField(
        _("booking opens (days before)"), default=60
    )
    closes_hours_before = models.PositiveSmallIntegerField(
        _("booking closes (hours before)"), default=2
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.OPEN, db_index=True
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("tour date")
        verbose_name_plural = _("tour dates")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tour", "starts_at"], name="tourism_slot_once"),
            models.CheckConstraint(
                condition=Q(max_party__gte=models.F("min_party")),
                name="tourism_slot_party_limits_in_order",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.tour.title} · {local:%Y-%m-%d %H:%M}"

    @property
    def currency(self):
        return conf.CURRENCY

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.tour.duration_minutes)

    @property
    def booking_opens_at(self):
        return self.starts_at - timedelta(days=self.opens_days_before)

    @property
    def booking_closes_at(self):
        return self.starts_at - timedelta(hours=self.closes_hours_before)

    def places_taken(self, now=None):
        """Counted from the rows (for a slot not fetched `with_taken`)."""
        taken = getattr(self, "taken", None)
        if taken is not None:
            return taken
        from tourism.models.bookings import Booking

        return Booking.objects.filter(taking_places(now or timezone.now()), slot=self).aggregate(
            total=Coalesce(Sum("places"), 0)
        )["total"]

    @property
    def remaining(self):
        return max(self.capacity - self.places_taken(), 0)

    def bookable_state(self, now=None):
        """Why the slot cannot be booked now ("closed", "past", "not_open", "too_late"), or None."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.status == self.Status.CLOSED:
            return "closed"
        if self.starts_at <= now:
            return "past"
        if now < self.booking_opens_at:
            return "not_open"
        if now >= self.booking_closes_at:
            return "too_late"
        return None

    @property
    def adult_price_minor(self):
        return self.price_adult * 100

    def price_list(self):
        """(category, label, minor units) for the booking page, in the active language."""
        return [
            ("adults", _("Adult"), self.price_adult * 100),
            (
                "children",
                _("Child under %(age)d") % {"age": self.child_under_age},
                self.price_child * 100,
            ),
            ("pupils", _("School pupil"), self.price_pupil * 100),
            ("infants", _("Under %(age)d") % {"age": self.free_under_age}, 0),
        ]

    def price_minor(self, category):
        roubles = {
            "adults": self.price_adult,
            "children": self.price_child,
            "pupils": self.price_pupil,
            "infants": 0,
        }[category]
        return roubles * 100
