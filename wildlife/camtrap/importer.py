"""Importing a Camtrap DP package: all of it, or nothing.

The three tables are read as streams in a fixed order (deployments, media, observations),
validated row by row and written in batches inside one transaction. Uniqueness and the links
between tables are checked against the rows this import has written, batch by batch, so
memory does not grow with the package (only the deployments, a few hundred cameras, are kept).
Any error rolls everything back, removes the media files this import wrote, and is reported as
file:line:field: message. Re-importing a package updates the rows it wrote before.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from wildlife.camtrap.package import Package, PackageError
from wildlife.camtrap.schema import descriptor_errors, table_schema
from wildlife.geoprivacy import inside_the_parks
from wildlife.images import MAX_FILE_BYTES, ImageRejected, check_image_bytes

logger = logging.getLogger(__name__)

BATCH = 1000
MAX_ERRORS = 200
MICRODEGREE = Decimal("0.000001")

DEPLOYMENT_FIELDS = {
    "deploymentID": "deployment_id",
    "locationID": "location_id",
    "locationName": "location_name",
    "latitude": "latitude",
    "longitude": "longitude",
    "coordinateUncertainty": "coordinate_uncertainty",
    "deploymentStart": "start",
    "deploymentEnd": "end",
    "cameraID": "camera_id",
    "cameraModel": "camera_model",
}
MEDIA_FIELDS = {
    "mediaID": "media_id",
    "captureMethod": "capture_method",
    "timestamp": "timestamp",
    "filePath": "file_path",
    "filePublic": "file_public",
    "fileName": "file_name",
    "fileMediatype": "file_mediatype",
    "exifData": "exif_data",
    "favorite": "favorite",
    "mediaComments": "comments",
}
OBSERVATION_FIELDS = {
    "observationID": "observation_id",
    "eventID": "event_id",
    "eventStart": "event_start",
    "eventEnd": "event_end",
    "observationLevel": "observation_level",
    "observationType": "observation_type",
    "scientificName": "scientific_name",
    "count": "count",
    "lifeStage": "life_stage",
    "sex": "sex",
    "behavior": "behavior",
    "individualID": "individual_id",
    "classificationMethod": "classification_method",
    "classifiedBy": "classified_by",
    "classificationTimestamp": "classification_timestamp",
    "classificationProbability": "classification_probability",
    "observationTags": "tags",
    "observationComments": "comments",
}
NULLABLE = {
    "coordinate_uncertainty",
    "favorite",
    "exif_data",
    "count",
    "classification_timestamp",
    "classification_probability",
}


class ImportFailed(Exception):
    """The package was not imported; `errors` says why, each as file:line:field: message."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


class TooManyErrors(Exception):
    pass


@dataclass
class Errors:
    messages: list = field(default_factory=list)
    limit: int = MAX_ERRORS

    def add(self, path, line, field_name, message):
        self.messages.append(f"{path}:{line}:{field_name}: {message}")
        if len(self.messages) >= self.limit:
            raise TooManyErrors

    def __bool__(self):
        return bool(self.messages)


def _json_safe(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _model_values(values, mapping):
    """Model field values for the mapped columns; other columns go into `details`."""
    fields = {}
    for column, name in mapping.items():
        value = values.get(column)
        fields[name] = value if value is not None or name in NULLABLE else ""
    return fields


def _details(values, mapping, skip=()):
    return {
        column: _json_safe(value)
        for column, value in values.items()
        if column not in mapping and column not in skip and value is not None
    }


def _media_name(provider, digest, file_path):
    suffix = PurePosixPath(file_path).suffix.lower()[:8] or ".bin"
    return f"camtrap/{provider.code}/{digest[:2]}/{digest}{suffix}"


class PackageImport:
    def __init__(self, package, provider, run, progress=None):
        self.package = package
        self.provider = provider
        self.run = run
        self.progress = progress or (lambda table, rows: None)
        self.errors = Errors()
        self.deployments = {}  # deploymentID -> pk: one per camera placement, a few hundred
        self.written_files = []
        self.hashes = {}  # SHA-256 -> line of this import's media: one row per image
        from wildlife.models import Sector, Species

        self.sectors = list(Sector.objects.all())
        self.species = list(Species.objects.all())

    # -- tables ------------------------------------------------------------------------------

    def table_rows(self, name):
        """(path, line, values, field errors) of every row of a table, checked by its schema."""
        schema = table_schema(name)
        for path in self.package.resource_paths(name):
            header = self.package.header(path)
            missing = [column for column in schema.required_columns() if column not in header]
            for column in missing:
                self.errors.add(path, 1, column, "required column missing from the header")
            if missing:
                continue
            for line, row in self.package.rows(path):
                values, errors = schema.convert_row(row)
                for field_name, message in errors:
                    self.errors.add(path, line, field_name, message)
                extra = {k: v for k, v in row.items() if k not in schema.field_names and v}
                yield path, line, values, bool(errors), extra

    def import_deployments(self):
        from wildlife.models import Deployment

        seen_lines = {}
        batch = []
        for path, line, values, invalid, extra in self.table_rows("deployments"):
            key = values["deploymentID"]
            if key is not None and key in seen_lines:
                self.errors.add(
                    path, line, "deploymentID", f"{key!r} repeats line {seen_lines[key]}"
                )
                continue
            if key is not None:
                seen_lines[key] = line
            if invalid:
                continue
            if values["deploymentEnd"] < values["deploymentStart"]:
                self.errors.add(path, line, "deploymentEnd", "is before deploymentStart")
                continue
            fields = _model_values(values, DEPLOYMENT_FIELDS)
            fields["latitude"] = Decimal(str(values["latitude"])).quantize(MICRODEGREE)
            fields["longitude"] = Decimal(str(values["longitude"])).quantize(MICRODEGREE)
            if not inside_the_parks(fields["latitude"], fields["longitude"]):
                self.errors.add(
                    path,
                    line,
                    "latitude",
                    f"{values['latitude']}, {values['longitude']} is outside both parks",
                )
                continue
            sector = next(
                (s for s in self.sectors if s.contains(fields["latitude"], fields["longitude"])),
                None,
            )
            batch.append(
                Deployment(
                    provider=self.provider,
                    last_import=self.run,
                    sector=sector,
                    details={**_details(values, DEPLOYMENT_FIELDS), **extra},
                    **fields,
                )
            )
        if self.errors:
            return
        Deployment.objects.bulk_create(
            batch,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["provider", "deployment_id"],
            update_fields=[*DEPLOYMENT_FIELDS.values(), "sector", "details", "last_import"],
        )
        self.deployments = dict(
            Deployment.objects.filter(provider=self.provider, last_import=self.run).values_list(
                "deployment_id", "pk"
            )
        )
        self.run.deployments = len(self.deployments)
        self.progress("deployments", len(self.deployments))

    def _flush(self, model, batch, key_field, key_column, path, update_fields):
        """Writes a batch after checking its keys against rows this import already wrote."""
        keys = [getattr(obj, key_field) for obj in batch]
        repeated = dict(
            model.objects.filter(
                provider=self.provider, last_import=self.run, **{f"{key_field}__in": keys}
            ).values_list(key_field, "source_line")
        )
        kept = []
        for obj in batch:
            if getattr(obj, key_field) in repeated:
                line = repeated[getattr(obj, key_field)]
                self.errors.add(
                    path,
                    obj.source_line,
                    key_column,
                    f"{getattr(obj, key_field)!r} repeats line {line}",
                )
            else:
                kept.append(obj)
        if self.errors or not kept:
            return
        model.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["provider", key_field],
            update_fields=update_fields,
        )

    def _store_media_file(self, path, line, values):
        """(private-storage name, SHA-256) of a local file after checking it; ("", "") for a URL;
        None when the row is refused."""
        from wildlife.models.camtrap import private_storage

        file_path = values["filePath"]
        if "://" in file_path:
            return ("", "")  # recorded only: fetched later, when reachable, never during an import
        try:
            data = self.package.read_file(file_path, MAX_FILE_BYTES)
        except FileNotFoundError:
            self.errors.add(path, line, "filePath", f"{file_path!r} is not in the package")
            return None
        except ValueError as error:
            self.errors.add(path, line, "filePath", f"{file_path!r}: {error}")
            return None
        if values["fileMediatype"].startswith("image/"):
            try:
                check_image_bytes(data)
            except ImageRejected as error:
                self.errors.add(path, line, "filePath", f"{file_path!r}: {error}")
                return None
        digest = hashlib.sha256(data).hexdigest()
        if not self._unique_content(path, line, values, digest):
            return None
        name = _media_name(self.provider, digest, file_path)
        storage = private_storage()
        if not self.errors and not storage.exists(name):
            name = storage.save(name, ContentFile(data))
            self.written_files.append(name)
        return name, digest

    def _unique_content(self, path, line, values, digest):
        """Whether this image is new: the same bytes are one media row, whoever sends them.

        The same frame under the other provider would escape that provider's consent rule
        (clause 7); under a new mediaID it would make a second highlight candidate.
        """
        from wildlife.models import Media

        if digest in self.hashes:
            self.errors.add(path, line, "filePath", f"the same image as line {self.hashes[digest]}")
            return False
        self.hashes[digest] = line
        same = (
            Media.objects.filter(content_sha256=digest)
            .exclude(provider=self.provider, media_id=values["mediaID"])
            .select_related("provider")
            .first()
        )
        if same is not None:
            self.errors.add(
                path,
                line,
                "filePath",
                f"the same image was imported from {same.provider} as mediaID {same.media_id!r}; "
                "it stays under that provider and its consent rule",
            )
            return False
        return True

    def import_media(self):
        from wildlife.models import Media

        in_batch = {}
        local, remote = [], []
        count = 0
        update = [*MEDIA_FIELDS.values(), "deployment", "last_import", "source_line"]

        def flush():
            self._flush(
                Media,
                local,
                "media_id",
                "mediaID",
                path,
                [*update, "stored_file", "content_sha256"],
            )
            self._flush(Media, remote, "media_id", "mediaID", path, update)
            local.clear()
            remote.clear()
            in_batch.clear()

        path = None
        for path, line, values, invalid, _extra in self.table_rows("media"):
            key = values["mediaID"]
            if key is not None and key in in_batch:
                self.errors.add(path, line, "mediaID", f"{key!r} repeats line {in_batch[key]}")
                continue
            if key is not None:
                in_batch[key] = line
            deployment = self.deployments.get(values["deploymentID"])
            if values["deploymentID"] is not None and deployment is None:
                self.errors.add(
                    path, line, "deploymentID", f"{values['deploymentID']!r} is not a deployment"
                )
                continue
            if invalid:
                continue
            stored = self._store_media_file(path, line, values)
            if stored is None:
                continue
            stored_name, digest = stored
            media = Media(
                provider=self.provider,
                deployment_id=deployment,
                last_import=self.run,
                source_line=line,
                stored_file=stored_name,
                content_sha256=digest,
                **_model_values(values, MEDIA_FIELDS),
            )
            (local if stored_name else remote).append(media)
            count += 1
            if len(in_batch) >= BATCH:
                flush()
                self.progress("media", count)
        flush()
        self.run.media = count
        self.progress("media", count)

    def import_observations(self):
        from wildlife.models import Media, Observation

        batch, in_batch, media_keys = [], {}, set()
        count = 0
        update = [
            *OBSERVATION_FIELDS.values(),
            "deployment",
            "media",
            "species",
            "details",
            "last_import",
            "source_line",
        ]

        def flush():
            media = dict(
                Media.objects.filter(
                    provider=self.provider, last_import=self.run, media_id__in=media_keys
                ).values_list("media_id", "pk")
            )
            kept = []
            for obj, media_key in batch:
                if media_key is not None:
                    if media_key not in media:
                        self.errors.add(
                            path, obj.source_line, "mediaID", f"{media_key!r} is not a media file"
                        )
                        continue
                    obj.media_id = media[media_key]
                kept.append(obj)
            self._flush(Observation, kept, "observation_id", "observationID", path, update)
            batch.clear()
            in_batch.clear()
            media_keys.clear()

        path = None
        for path, line, values, invalid, extra in self.table_rows("observations"):
            key = values["observationID"]
            if key is not None and key in in_batch:
                self.errors.add(
                    path, line, "observationID", f"{key!r} repeats line {in_batch[key]}"
                )
                continue
            if key is not None:
                in_batch[key] = line
            deployment = self.deployments.get(values["deploymentID"])
            if values["deploymentID"] is not None and deployment is None:
                self.errors.add(
                    path, line, "deploymentID", f"{values['deploymentID']!r} is not a deployment"
                )
                continue
            if invalid:
                continue
            if values["eventEnd"] < values["eventStart"]:
                self.errors.add(path, line, "eventEnd", "is before eventStart")
                continue
            species = next((s for s in self.species if s.matches(values["scientificName"])), None)
            if values["mediaID"] is not None:
                media_keys.add(values["mediaID"])
            batch.append(
                (
                    Observation(
                        provider=self.provider,
                        deployment_id=deployment,
                        species=species,
                        last_import=self.run,
                        source_line=line,
                        details={
                            **_details(
                                values, OBSERVATION_FIELDS, skip=("deploymentID", "mediaID")
                            ),
                            **extra,
                        },
                        **_model_values(values, OBSERVATION_FIELDS),
                    ),
                    values["mediaID"],
                )
            )
            count += 1
            if len(batch) >= BATCH:
                flush()
                self.progress("observations", count)
        flush()
        self.run.observations = count
        self.progress("observations", count)

    def propose_highlights(self):
        """Highlight candidates: followed species seen on a favourite image, not yet proposed."""
        from wildlife.models import Highlight, Media, Observation

        new = 0
        observations = (
            Observation.objects.filter(
                provider=self.provider,
                last_import=self.run,
                species__isnull=False,
                highlight__isnull=True,
            )
            .select_related("media")
            .order_by("pk")
        )
        batch, proposed = [], set()
        for observation in observations.iterator(chunk_size=BATCH):
            media = observation.media
            if media is None:  # an event: its favourite image, if the event has one
                media = (
                    Media.objects.filter(
                        deployment_id=observation.deployment_id,
                        timestamp__gte=observation.event_start,
                        timestamp__lte=observation.event_end,
                        favorite=True,
                    )
                    .filter(file_mediatype__startswith="image/")
                    .order_by("timestamp")
                    .first()
                )
            if media is None or not media.favorite or not media.is_image:
                continue
            # One candidate per image: a re-import with new observation ids adds none.
            if media.pk in proposed or Highlight.objects.filter(media=media).exists():
                continue
            proposed.add(media.pk)
            batch.append(
                Highlight(
                    observation=observation,
                    media=media,
                    provider=self.provider,
                    species_id=observation.species_id,
                    individual_id=observation.individual_id,
                    captured_at=media.timestamp,
                    source=Highlight.Source.FAVORITE,
                )
            )
            if len(batch) >= BATCH:
                Highlight.objects.bulk_create(batch)
                new += len(batch)
                batch = []
        Highlight.objects.bulk_create(batch)
        self.run.highlights = new + len(batch)

    def check_origin(self):
        """The package's rights holder or publisher decides whose data it is, not the upload menu.

        A package that names another provider must be imported as that provider, so that its
        consent rule (clause 7 of the 2019 memorandum) applies to it.
        """
        from wildlife.models import Provider

        contributors = self.package.descriptor.get("contributors") or []
        named = {
            str(contributor.get(key) or "").strip().casefold()
            for contributor in contributors
            if isinstance(contributor, dict)
            and contributor.get("role") in ("rightsHolder", "publisher")
            for key in ("title", "organization")
        } - {""}
        for provider in Provider.objects.exclude(pk=self.provider.pk):
            names = {
                str(getattr(provider, f"name_{suffix}", "") or "").strip().casefold()
                for suffix in ("ru", "en", "zh_hans")
            } | {provider.code.casefold()}
            if named & (names - {""}):
                self.errors.add(
                    "datapackage.json",
                    "-",
                    "contributors",
                    f"the package names {provider} as its rights holder or publisher: "
                    f"import it as {provider.code}",
                )

    def run_all(self):
        errors = descriptor_errors(self.package.descriptor)
        for field_name, message in errors:
            self.errors.add("datapackage.json", "-", field_name, message)
        if self.errors:
            return
        self.check_origin()
        if self.errors:
            return
        self.import_deployments()
        if self.errors:
            return
        self.import_media()
        if self.errors:
            return
        self.import_observations()
        if self.errors:
            return
        self.propose_highlights()


def import_package(source, provider, *, user=None, progress=None):
    """Imports the package at `source` for `provider`; returns the ImportRun.

    Raises ImportFailed (nothing imported) with every problem found.
    """
    from wildlife.models import ImportRun

    importer = None
    package_name = ""
    try:
        with Package(source) as package:
            package_name = str(
                package.descriptor.get("name") or package.descriptor.get("id") or ""
            )[:200]
            with transaction.atomic():
                run = ImportRun.objects.create(
                    provider=provider,
                    package_name=package_name,
                    source=str(source)[-300:],
                    imported_by=user,
                )
                importer = PackageImport(package, provider, run, progress)
                try:
                    importer.run_all()
                except TooManyErrors:
                    importer.errors.messages.append(
                        f"stopped after {MAX_ERRORS} errors; fix these and import again"
                    )
                if importer.errors:
                    raise ImportFailed(importer.errors.messages)
                run.status = ImportRun.Status.SUCCEEDED
                run.finished_at = timezone.now()
                run.save()
                log(run, "wildlife.import", user=user, uuid=uuid.uuid4())
            return run
    except BaseException as error:
        # The transaction is rolled back; the files it wrote must go with it.
        if importer is not None:
            _remove_files(importer.written_files)
        if not isinstance(error, ImportFailed | PackageError):
            raise
        errors = error.errors if isinstance(error, ImportFailed) else [str(error)]
        failed = ImportRun.objects.create(
            provider=provider,
            package_name=package_name,
            source=str(source)[-300:],
            imported_by=user,
            status=ImportRun.Status.FAILED,
            errors=errors,
            finished_at=timezone.now(),
        )
        log(
            failed,
            "wildlife.import.failed",
            user=user,
            uuid=uuid.uuid4(),
            data={"errors": errors[:20]},
        )
        raise ImportFailed(errors) from error


def _remove_files(names):
    from wildlife.models.camtrap import private_storage

    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not remove %s after a failed import", name)
