"""Camera-trap data as the park receives it: private to staff who vet.

Deployments carry precise coordinates and camera identifiers; media point at raw images in
private storage. Nothing in this module is ever rendered on a public page: the public sees
`PublishedSighting` (sightings.py), which holds only generalised place and time.
"""

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivateStorage(Storage):
    """STORAGES["private"], looked up at each use rather than once when models load.

    Raw camera-trap files live there: outside MEDIA_ROOT, never under MEDIA_URL.
    """

    def __getattribute__(self, name):
        if name in ("__class__", "__dict__", "__reduce__", "__reduce_ex__", "deconstruct"):
            return object.__getattribute__(self, name)
        return getattr(storages["private"], name)


def private_storage():
    return PrivateStorage()


class Provider(models.Model):
    """Who sends camera-trap data: the two parks and research partners."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    requires_consent = models.BooleanField(
        _("publication needs the provider's consent"),
        default=False,
        help_text=_(
            "As clause 7 of the 2019 memorandum: nothing from this provider is published "
            "without its recorded written approval."
        ),
    )
    consent_terms = models.CharField(
        _("consent terms"),
        max_length=300,
        blank=True,
        help_text=_("Which agreement requires the consent, e.g. 2019 memorandum, clause 7."),
    )

    class Meta:
        verbose_name = _("data provider")
        verbose_name_plural = _("data providers")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Sector(models.Model):
    """A named part of the park: what the public is told instead of where a camera stands.

    The bounds place deployments in a sector on import; they are never shown publicly.
    """

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    south = models.DecimalField(_("south bound"), max_digits=8, decimal_places=5)
    north = models.DecimalField(_("north bound"), max_digits=8, decimal_places=5)
    west = models.DecimalField(_("west bound"), max_digits=8, decimal_places=5)
    east = models.DecimalField(_("east bound"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("park sector")
        verbose_name_plural = _("park sectors")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def contains(self, latitude, longitude):
        return self.south <= latitude < self.north and self.west <= longitude < self.east


class Species(models.Model):
    """A species the portal follows by individual (leopards, tigers)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    scientific_name = models.CharField(
        _("scientific name"),
        max_length=120,
        unique=True,
        help_text=_("Observations whose scientificName is this or a subspecies of it match."),
    )
    name = models.CharField(_("name"), max_length=120)
    # Changed only through services.change_embargo (superuser, recorded reason).
    embargo_days = models.PositiveIntegerField(_("embargo (days after capture)"), default=30)
    grid_cell_degrees = models.DecimalField(
        _("grid cell (degrees)"),
        max_digits=4,
        decimal_places=2,
        default="0.10",
        validators=[MinValueValidator(0.1)],
        help_text=_("Where no sector is known, places are shown as a cell this wide (≥ 0.1°)."),
    )

    class Meta:
        verbose_name = _("species")
        verbose_name_plural = _("species")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def matches(self, scientific_name):
        scientific_name = (scientific_name or "").strip()
        return scientific_name == self.scientific_name or scientific_name.startswith(
            self.scientific_name + " "
        )


class EmbargoChange(models.Model):
    """Who changed a species' embargo, when and why."""

    species = models.ForeignKey(Species, on_delete=models.CASCADE, related_name="embargo_changes")
    old_days = models.PositiveIntegerField(_("old embargo (days)"))
    new_days = models.PositiveIntegerField(_("new embargo (days)"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("embargo change")
        verbose_name_plural = _("embargo changes")
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.species}: {self.old_days} → {self.new_days}"


class ImportRun(models.Model):
    """One import of a Camtrap DP package, successful or not."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    provider = models.ForeignKey(
        Provider, verbose_name=_("data provider"), on_delete=models.PROTECT, related_name="imports"
    )
    package_name = models.CharField(_("package"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.RUNNING)
    deployments = models.PositiveIntegerField(_("deployments"), default=0)
    media = models.PositiveIntegerField(_("media"), default=0)
    observations = models.PositiveIntegerField(_("observations"), default=0)
    highlights = models.PositiveIntegerField(_("new highlight candidates"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("camera-trap import")
        verbose_name_plural = _("camera-trap imports")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.provider.code}: {self.package_name} ({self.get_status_display()})"


class Deployment(models.Model):
    """A camera at one place for a time. Private: precise position and identifiers."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("data provider"),
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    deployment_id = models.CharField(_("deployment ID"), max_length=100)
    location_id = models.CharField(_("location ID"), max_length=100, blank=True)
    location_name = models.CharField(_("location name"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=10, decimal_places=6)
    coordinate_uncertainty = models.PositiveIntegerField(
        _("coordinate uncertainty (m)"), null=True, blank=True
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    camera_id = models.CharField(_("camera ID"), max_length=100, blank=True)
    camera_model = models.CharField(_("camera model"), max_length=100, blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployments",
    )
    # The package's other columns, kept as given.
    details = models.JSONField(_("other fields"), default=dict, blank=True)
    last_import = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "deployment_id"], name="wildlife_unique_deployment"
            )
        ]

    def __str__(self):
        return f"{self.provider.code}/{self.deployment_id}"


class Media(models.Model):
    """An image or video of a deployment. The file stays in private storage."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("data provider"), on_delete=models.PROTECT, related_name="media"
    )
    media_id = models.CharField(_("media ID"), max_length=100)
    deployment = models.ForeignKey(
        Deployment, verbose_name=_("deployment"), on_delete=models.CASCADE, related_name="media"
    )
    capture_method = models.CharField(_("capture method"), max_length=30, blank=True)
    timestamp = models.DateTimeField(_("timestamp"), db_index=True)
    file_path = models.TextField(_("file path in the package"))
    file_public = models.BooleanField(_("file public at the source"))
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_mediatype = models.CharField(_("media type"), max_length=100)
    favorite = models.BooleanField(_("favourite"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    exif_data = models.JSONField(_("EXIF data"), null=True, blank=True)
    # The package's own copy; media given as a URL have none until fetched by staff.
    stored_file = models.FileField(
        _("stored file"), storage=private_storage, max_length=255, blank=True
    )
    # SHA-256 of the file's bytes: the same image is one media row, whoever sends it again.
    content_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    last_import = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    source_line = models.PositiveIntegerField(_("line in media file"), default=0)

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        constraints = [
            models.UniqueConstraint(fields=["provider", "media_id"], name="wildlife_unique_media"),
            models.UniqueConstraint(
                fields=["content_sha256"],
                condition=~models.Q(content_sha256=""),
                name="wildlife_unique_media_content",
            ),
        ]

    def __str__(self):
        return f"{self.provider.code}/{self.media_id}"

    @property
    def is_image(self):
        return self.file_mediatype.startswith("image/")


class Observation(models.Model):
    """What was seen on a media file or in an event."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("data provider"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    observation_id = models.CharField(_("observation ID"), max_length=100)
    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="observations"
    )
    media = models.ForeignKey(
        Media, null=True, blank=True, on_delete=models.CASCADE, related_name="observations"
    )
    event_id = models.CharField(_("event ID"), max_length=100, blank=True)
    event_start = models.DateTimeField(_("event start"))
    event_end = models.DateTimeField(_("event end"))
    observation_level = models.CharField(_("level"), max_length=10)
    observation_type = models.CharField(_("type"), max_length=20)
    scientific_name = models.CharField(_("scientific name"), max_length=200, blank=True)
    species = models.ForeignKey(
        Species, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    life_stage = models.CharField(_("life stage"), max_length=20, blank=True)
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    behavior = models.CharField(_("behaviour"), max_length=255, blank=True)
    individual_id = models.CharField(_("individual ID"), max_length=100, blank=True)
    classification_method = models.CharField(_("classification method"), max_length=10, blank=True)
    classified_by = models.CharField(_("classified by"), max_length=200, blank=True)
    classification_timestamp = models.DateTimeField(null=True, blank=True)
    classification_probability = models.FloatField(null=True, blank=True)
    tags = models.TextField(_("tags"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    details = models.JSONField(_("other fields"), default=dict, blank=True)
    last_import = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    source_line = models.PositiveIntegerField(_("line in observations file"), default=0)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "observation_id"], name="wildlife_unique_observation"
            )
        ]

    def __str__(self):
        return f"{self.provider.code}/{self.observation_id}"
