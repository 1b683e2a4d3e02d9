"""From a camera-trap observation to a public sighting, through staff vetting."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel

from wildlife.geoprivacy import GridCell
from wildlife.screening import check_public_texts

TEXT_SUFFIXES = ("ru", "en", "zh_hans")


def translated_fields(*names):
    return [f"{name}_{suffix}" for suffix in TEXT_SUFFIXES for name in names]


def fraction_field(verbose_name, default):
    return models.FloatField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )


class Highlight(models.Model):
    """A camera-trap image of a followed species, waiting for (or past) a vetter's decision."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("to vet")
        SCHEDULED = "scheduled", _("approved, waiting for the embargo")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        UNIDENTIFIABLE = "unidentifiable", _("unidentifiable")
        WITHDRAWN = "withdrawn", _("withdrawn after publication")

    class Source(models.TextChoices):
        FAVORITE = "favorite", _("favourite in the package")
        STAFF = "staff", _("picked by staff")

    observation = models.OneToOneField(
        "wildlife.Observation", on_delete=models.CASCADE, related_name="highlight"
    )
    media = models.ForeignKey("wildlife.Media", on_delete=models.CASCADE, related_name="+")
    # Copied from the observation so the queue filters without joins.
    provider = models.ForeignKey(
        "wildlife.Provider",
        verbose_name=_("data provider"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    species = models.ForeignKey(
        "wildlife.Species", verbose_name=_("species"), on_delete=models.PROTECT, related_name="+"
    )
    individual_id = models.CharField(_("individual ID"), max_length=100, blank=True)
    captured_at = models.DateTimeField(_("captured at"), db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.FAVORITE)
    status = models.CharField(
        _("status"), max_length=15, choices=Status, default=Status.CANDIDATE, db_index=True
    )
    leopard = models.ForeignKey(
        "wildlife.LeopardPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="highlights",
        verbose_name=_("individual"),
    )
    # The part of the image (after the info strips are cut off) that is published, as fractions.
    crop_left = fraction_field(_("crop left"), 0.0)
    crop_top = fraction_field(_("crop top"), 0.0)
    crop_right = fraction_field(_("crop right"), 1.0)
    crop_bottom = fraction_field(_("crop bottom"), 1.0)
    story_title = models.CharField(_("story title"), max_length=160, blank=True)
    story = models.TextField(_("story"), blank=True)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    # Clause 7 of the 2019 memorandum: the provider's written approval, when it requires one.
    provider_approved_by = models.CharField(
        _("approved by (at the provider)"), max_length=200, blank=True
    )
    provider_approved_on = models.DateField(_("provider's approval date"), null=True, blank=True)
    provider_approval_reference = models.CharField(
        _("approval reference"), max_length=200, blank=True
    )
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("vetted by"),
    )
    vetted_at = models.DateTimeField(_("vetted at"), null=True, blank=True)
    publish_after = models.DateTimeField(_("embargo ends"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        ordering = ["-captured_at"]
        permissions = [("view_private_media", _("Can see raw camera-trap images and places"))]

    def __str__(self):
        return f"{self.species} {self.individual_id or '?'} {self.captured_at:%Y-%m-%d}"

    def clean(self):
        super().clean()
        check_public_texts(self, translated_fields("story_title", "story", "image_alt"))

    @property
    def crop_box(self):
        return (self.crop_left, self.crop_top, self.crop_right, self.crop_bottom)

    @property
    def has_provider_approval(self):
        return bool(self.provider_approved_by.strip() and self.provider_approved_on)


class PublishedSightingQuerySet(models.QuerySet):
    def public(self):
        """What the public may see: sightings of live profiles that were not withdrawn."""
        return self.filter(leopard__live=True, withdrawn_at__isnull=True)

    def for_listing(self):
        """Sightings of live profiles, newest month first, with what a card shows."""
        return (
            self.public()
            .select_related("leopard", "species", "sector", "image")
            .prefetch_related("image__renditions")
            .order_by("-month", "-published_at")
        )


class PublishedSighting(models.Model):
    """The public record of a sighting: generalised place and month, a cleaned image.

    It holds nothing that could lead to a camera: no coordinate, identifier or raw file.
    """

    highlight = models.OneToOneField(
        Highlight, on_delete=models.PROTECT, related_name="published", editable=False
    )
    leopard = models.ForeignKey(
        "wildlife.LeopardPage",
        verbose_name=_("individual"),
        on_delete=models.CASCADE,
        related_name="sightings",
    )
    species = models.ForeignKey(
        "wildlife.Species", verbose_name=_("species"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month of capture."))
    sector = models.ForeignKey(
        "wildlife.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A sector's slug, or the grid cell's code where the place has no sector.
    place_code = models.CharField(_("place"), max_length=60, db_index=True)
    cell_south = models.DecimalField(max_digits=6, decimal_places=2)
    cell_west = models.DecimalField(max_digits=7, decimal_places=2)
    cell_size = models.DecimalField(max_digits=4, decimal_places=2)
    # Emptied when the sighting is withdrawn: the public file goes with it.
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=160)
    story = models.TextField(_("story"), blank=True)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    # A withdrawn sighting leaves every public output; the row stays as the record of why.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)

    objects = PublishedSightingQuerySet.as_manager()

    panels = [FieldPanel("title"), FieldPanel("story"), FieldPanel("image_alt")]

    class Meta:
        verbose_name = _("published sighting")
        verbose_name_plural = _("published sightings")
        ordering = ["-month", "-published_at"]
        permissions = [("withdraw_publishedsighting", _("Can withdraw a published sighting"))]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        check_public_texts(self, translated_fields("title", "story", "image_alt"))

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def cell(self):
        return GridCell(self.cell_south, self.cell_west, self.cell_size)

    @property
    def place_label(self):
        if self.sector_id:
            return self.sector.name
        return self.cell.label()

    @property
    def month_label(self):
        return month_label(self.month)

    def public_text(self, language):
        """Title, summary and URL in one language: what the site search indexes."""
        with translation.override(language):
            return {
                "title": self.title,
                "summary": self.story or f"{self.month_label}, {self.place_label}",
                "url": self.leopard.get_url(),
            }


MONTHS = [
    pgettext_lazy("month, standalone", "January"),
    pgettext_lazy("month, standalone", "February"),
    pgettext_lazy("month, standalone", "March"),
    pgettext_lazy("month, standalone", "April"),
    pgettext_lazy("month, standalone", "May"),
    pgettext_lazy("month, standalone", "June"),
    pgettext_lazy("month, standalone", "July"),
    pgettext_lazy("month, standalone", "August"),
    pgettext_lazy("month, standalone", "September"),
    pgettext_lazy("month, standalone", "October"),
    pgettext_lazy("month, standalone", "November"),
    pgettext_lazy("month, standalone", "December"),
]


def month_label(date):
    """ "May 2024" in the active language: a month, never a day."""
    return _("%(month)s %(year)s") % {"month": MONTHS[date.month - 1], "year": date.year}


class PopulationFigure(models.Model):
    """One year of monitoring figures, entered by staff."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    leopards = models.PositiveIntegerField(_("leopards"), null=True, blank=True)
    leopard_cubs = models.PositiveIntegerField(_("leopard cubs"), null=True, blank=True)
    tigers = models.PositiveIntegerField(_("tigers"), null=True, blank=True)
    tiger_cubs = models.PositiveIntegerField(_("tiger cubs"), null=True, blank=True)
    camera_stations = models.PositiveIntegerField(_("camera stations"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)
