"""Requests from teachers to bring a class to the park."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassVisitRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        WITH_TOURISM_DESK = "tourism", _("With the tourism desk")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    # Made when the form is shown and sent back with it: a second submission of the same form
    # (a double click, a reload after a slow answer) finds the first request instead.
    submission_key = models.UUIDField(
        _("request number"), default=uuid.uuid4, unique=True, editable=False
    )
    # The event the class asks to join (from the event page's link), if any.
    event = models.ForeignKey(
        "education.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="class_visits",
    )
    school = models.CharField(_("school"), max_length=200)
    teacher_name = models.CharField(_("teacher"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    class_size = models.PositiveSmallIntegerField(
        _("pupils in the class"), validators=[MinValueValidator(1)]
    )
    age_from = models.PositiveSmallIntegerField(
        _("youngest pupil's age"), validators=[MinValueValidator(3), MaxValueValidator(19)]
    )
    age_to = models.PositiveSmallIntegerField(
        _("oldest pupil's age"), validators=[MinValueValidator(3), MaxValueValidator(19)]
    )
    visit_language = models.CharField(
        _("language of the visit"), max_length=10, choices=settings.LANGUAGES
    )
    preferred_date = models.DateField(_("preferred date"))
    alternative_date = models.DateField(_("alternative date"), null=True, blank=True)
    needs = models.TextField(
        _("special needs and wishes"),
        blank=True,
        help_text=_("Accessibility, transport, a topic you are studying..."),
    )
    # The language the teacher wrote in: every message to them is in it.
    contact_language = models.CharField(
        _("teacher's language"), max_length=10, choices=settings.LANGUAGES, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    tourism_reference = models.CharField(
        _("tourism desk reference"),
        max_length=60,
        blank=True,
        help_text=_("The group booking this request became, once the tourism desk has it."),
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("class visit request")
        verbose_name_plural = _("class visit requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_to__gte=models.F("age_from")),
                name="education_visit_ages_in_order",
            )
        ]

    def __str__(self):
        return f"{self.school} — {self.preferred_date:%Y-%m-%d}"

    @property
    def reference(self):
        """What the teacher quotes when writing to us: short, and not guessable as a count.

        Once the tourism desk holds the request, its group reference is the one reference every
        page and e-mail shows (the teacher's, the education desk's and the tourism desk's)."""
        return self.tourism_reference or str(self.submission_key).split("-")[0].upper()
