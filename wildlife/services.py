"""The wildlife domain's operations: import, vet, publish, and the public figures they feed.

Views, the admin and commands call these; nothing here knows about HTTP.
"""

import datetime
import io
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.log_actions import log as wagtail_log
from wagtail.models import Collection

import live
from wildlife.camtrap.importer import ImportFailed, import_package
from wildlife.geoprivacy import GridCell
from wildlife.images import clean_image
from wildlife.models import (
    EmbargoChange,
    Highlight,
    LeopardIndexPage,
    LeopardPage,
    Provider,
    PublishedSighting,
    Sector,
    Species,
)
from wildlife.models.sightings import month_label, translated_fields
from wildlife.screening import check_public_texts

logger = logging.getLogger(__name__)


def log(instance, action, **kwargs):
    """A Wagtail log entry of its own: the admin's history groups entries that share a uuid and
    an action (a request's entries do), which would hide all but one of a bulk decision's."""
    return wagtail_log(instance, action, uuid=uuid.uuid4(), **kwargs)


LANGUAGES = [code for code, _name in settings.LANGUAGES]
FIELD_SUFFIX = {"ru": "ru", "en": "en", "zh-hans": "zh_hans"}
PUBLIC_RENDITION = "max-1200x900"
SIGHTINGS_COLLECTION = "Camera-trap sightings"

__all__ = [
    "ImportFailed",
    "approve_highlight",
    "bulk_reject",
    "change_embargo",
    "import_camtrap",
    "monthly_sector_counts",
    "pick_highlight",
    "publish_due_sightings",
    "publish_sighting",
    "reject_highlight",
    "start_draft_profile",
    "withdraw_sighting",
]

WITHDRAWN = "sighting.withdrawn"
EDITORS_GROUP = "Editors"


class PublishingRefused(ValidationError):
    """A sighting that may not (yet) be published; the message says why, for staff."""


# -- import ------------------------------------------------------------------------------------


def import_camtrap(source, provider_code, *, user=None, progress=None):
    """Imports a Camtrap DP package for a provider (see wildlife.camtrap.importer)."""
    try:
        provider = Provider.objects.get(code=provider_code)
    except Provider.DoesNotExist:
        raise ImportFailed(
            [f"-:-:provider: no data provider with the code {provider_code!r}"]
        ) from None
    return import_package(source, provider, user=user, progress=progress)


# -- vetting -----------------------------------------------------------------------------------

QUEUE_LIMIT = 300
# Frames of one deployment this close together are one sequence (one visit of an animal).
SEQUENCE_GAP = datetime.timedelta(minutes=10)


def providers():
    return Provider.objects.all()


def vetting_queue(*, provider=None, limit=QUEUE_LIMIT):
    """Candidates to vet, in sequences: frames of one deployment within SEQUENCE_GAP of each
    other, the sequences by time. Returns a list of lists of highlights, each highlight with
    `known` set to the profile its data names (preselected), or None."""
    candidates = (
        Highlight.objects.filter(status=Highlight.Status.CANDIDATE)
        .select_related("media__deployment__sector", "provider", "species", "leopard")
        .order_by("media__deployment_id", "captured_at", "pk")
    )
    if provider:
        candidates = candidates.filter(provider_id=provider)
    candidates = list(candidates[:limit])
    profiles = {
        page.individual_id: page
        for page in LeopardPage.objects.filter(
            individual_id__in={c.individual_id for c in candidates if c.individual_id}
        )
    }
    sequences = []
    previous = None
    for highlight in candidates:
        highlight.known = highlight.leopard or profiles.get(highlight.individual_id)
        if (
            previous is None
            or previous.media.deployment_id != highlight.media.deployment_id
            or highlight.captured_at - previous.captured_at > SEQUENCE_GAP
        ):
            sequences.append([])
        sequences[-1].append(highlight)
        previous = highlight
    sequences.sort(key=lambda sequence: (sequence[0].captured_at, sequence[0].pk))
    return sequences


def next_candidate(highlight):
    """The candidate the queue shows after `highlight`, or None when the queue is done."""
    for sequence in vetting_queue():
        for candidate in sequence:
            if candidate.pk != highlight.pk:
                return candidate
    return None


def known_individual(highlight):
    """The profile of the individual the camera-trap data names, if the site has one."""
    if not highlight.individual_id:
        return None
    return LeopardPage.objects.filter(
        individual_id=highlight.individual_id, species=highlight.species
    ).first()


def best_photos(leopard, limit=4):
    """A known individual's latest published photos, to compare a candidate with."""
    if leopard is None:
        return []
    return list(leopard.sightings.for_listing()[:limit])


def embargo_end(highlight):
    return highlight.captured_at + datetime.timedelta(days=highlight.species.embargo_days)


def pick_highlight(observation, user):
    """Staff pick an observation's image as a highlight candidate (when it is not a favourite)."""
    if observation.species_id is None:
        raise ValidationError(_("Only observations of a followed species can be highlights."))
    media = observation.media
    if media is None or not media.is_image:
        raise ValidationError(_("The observation has no image."))
    highlight, _created = Highlight.objects.get_or_create(
        observation=observation,
        defaults={
            "media": media,
            "provider_id": observation.provider_id,
            "species_id": observation.species_id,
            "individual_id": observation.individual_id,
            "captured_at": media.timestamp,
            "source": Highlight.Source.STAFF,
        },
    )
    return highlight


def start_draft_profile(highlight, code, user):
    """A draft profile for an individual not yet on the site, started from a highlight."""
    code = code.strip()
    if not code:
        raise ValidationError(_("Give the new individual's code."))
    if LeopardPage.objects.filter(code=code).exists():
        raise ValidationError(
            _("A profile with the code %(code)s already exists.") % {"code": code}
        )
    index = LeopardIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("The site has no leopard index page to add a profile to."))
    titles = {f"title_{suffix}": code for suffix in FIELD_SUFFIX.values()}
    slugs = {f"slug_{suffix}": slugify(code) for suffix in FIELD_SUFFIX.values()}
    individual_id = highlight.individual_id or None
    if individual_id and LeopardPage.objects.filter(individual_id=individual_id).exists():
        individual_id = None
    page = LeopardPage(
        title=code,
        slug=slugify(code),
        code=code,
        individual_id=individual_id,
        species=highlight.species,
        live=False,
        owner=user,
        **titles,
        **slugs,
    )
    index.add_child(instance=page)
    page.save_revision(user=user)
    return page


def _check_consent(highlight):
    if highlight.provider.requires_consent and not highlight.has_provider_approval:
        raise PublishingRefused(
            _(
                "%(provider)s requires its written approval before publication (%(terms)s): "
                "record who approved it and when."
            )
            % {"provider": highlight.provider, "terms": highlight.provider.consent_terms or "—"}
        )


@transaction.atomic
def approve_highlight(highlight, user, *, new_profile_code="", now=None):
    """Approves a highlight as the vetter edited it; publishes it if its embargo is over.

    Approving before the embargo ends schedules the story: publish_due_sightings() publishes it.
    """
    now = now or timezone.now()
    if highlight.status == Highlight.Status.PUBLISHED:
        raise ValidationError(_("This highlight is already published."))
    if new_profile_code:
        highlight.leopard = start_draft_profile(highlight, new_profile_code, user)
    if highlight.leopard is None:
        raise ValidationError(_("Choose the individual, or start a profile for a new one."))
    if highlight.leopard.species_id != highlight.species_id:
        raise ValidationError(
            _("The profile is of another species (%(species)s).")
            % {"species": highlight.leopard.species}
        )
    left, top, right, bottom = highlight.crop_box
    if not (0 <= left < right <= 1 and 0 <= top < bottom <= 1):
        raise ValidationError(
            _("The crop must lie within the image (0–1, left < right, top < bottom).")
        )
    check_public_texts(highlight, translated_fields("story_title", "story", "image_alt"))
    _check_consent(highlight)
    highlight.status = Highlight.Status.SCHEDULED
    highlight.vetted_by = user
    highlight.vetted_at = now
    highlight.publish_after = embargo_end(highlight)
    highlight.save()
    log(highlight, "wildlife.highlight.approve", user=user)
    if highlight.publish_after <= now and highlight.leopard.live:
        publish_sighting(highlight, now=now)
        highlight.refresh_from_db()
    elif not highlight.leopard.live:
        transaction.on_commit(
            lambda: notify_editors_of_draft(highlight.leopard, highlight), robust=True
        )
    return highlight


def notify_editors_of_draft(leopard, highlight):
    """Tells the editors that an approved sighting waits for a draft profile to be published."""
    from django.contrib.auth import get_user_model

    editors = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=EDITORS_GROUP)
        .exclude(email="")
        .distinct()
    )
    edit_url = reverse("wagtailadmin_pages:edit", args=[leopard.pk])
    # Old camera-trap data is often past its embargo already: never tell of an end in the past.
    embargo_over = highlight.publish_after <= timezone.now()
    for editor in editors:
        language = getattr(editor, "wagtail_userprofile", None)
        language = getattr(language, "preferred_language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            if embargo_over:
                body = _(
                    "A vetter approved a camera-trap sighting of %(code)s, an individual whose "
                    "profile is still a draft. Its embargo is over: the sighting is published "
                    "within a minute of the profile being published.\n\n"
                    "Complete and publish the profile: %(url)s"
                )
            else:
                body = _(
                    "A vetter approved a camera-trap sighting of %(code)s, an individual whose "
                    "profile is still a draft. The sighting is published within a minute of the "
                    "profile being published (its embargo ends on %(date)s).\n\n"
                    "Complete and publish the profile: %(url)s"
                )
            send_mail(
                _("A sighting waits for the profile of %(code)s") % {"code": leopard.code},
                body
                % {
                    "code": leopard.code,
                    "date": formats.date_format(
                        timezone.localdate(highlight.publish_after), "DATE_FORMAT"
                    ),
                    "url": live.absolute_url(edit_url),
                },
                None,
                [editor.email],
            )


def reject_highlight(highlight, user, *, unidentifiable=False, now=None):
    if highlight.status == Highlight.Status.PUBLISHED:
        raise ValidationError(_("This highlight is already published."))
    highlight.status = (
        Highlight.Status.UNIDENTIFIABLE if unidentifiable else Highlight.Status.REJECTED
    )
    highlight.vetted_by = user
    highlight.vetted_at = now or timezone.now()
    highlight.publish_after = None
    highlight.save()
    log(
        highlight,
        "wildlife.highlight.unidentifiable" if unidentifiable else "wildlife.highlight.reject",
        user=user,
    )
    return highlight


def bulk_reject(highlights, user, *, unidentifiable=False, now=None):
    """Rejects (or marks unidentifiable) every highlight still to vet; returns how many."""
    now = now or timezone.now()
    done = 0
    with transaction.atomic():
        for highlight in highlights.select_for_update().filter(status=Highlight.Status.CANDIDATE):
            reject_highlight(highlight, user, unidentifiable=unidentifiable, now=now)
            done += 1
    return done


# -- publishing --------------------------------------------------------------------------------


def _sightings_collection():
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=SIGHTINGS_COLLECTION).first() or root.add_child(
        name=SIGHTINGS_COLLECTION
    )


def _localized_text(highlight, name, language):
    return getattr(highlight, f"{name}_{FIELD_SUFFIX[language]}", "") or ""


def _default_title(leopard, month, place):
    return _("%(name)s: %(month)s, %(place)s") % {
        "name": leopard.display_name,
        "month": month,
        "place": place,
    }


def publish_sighting(highlight, *, now=None):
    """Makes an approved highlight public, once its embargo is over: the one way to do so.

    Writes the cleaned image and the generalised record (PublishedSighting), then hands the
    event to the live app for the leopard's topic and the site feed. Publishing twice returns
    the same sighting and sends nothing again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        highlight = (
            Highlight.objects.select_for_update(of=("self",))
            .select_related("species", "provider", "leopard", "media__deployment__sector")
            .get(pk=highlight.pk)
        )
        if highlight.status == Highlight.Status.PUBLISHED:
            return highlight.published
        if highlight.status != Highlight.Status.SCHEDULED:
            raise PublishingRefused(_("Only an approved highlight can be published."))
        _check_consent(highlight)
        ends = embargo_end(highlight)
        if now < ends:
            raise PublishingRefused(
                _("The embargo on this capture lasts until %(date)s.")
                % {"date": timezone.localdate(ends).isoformat()}
            )
        leopard = highlight.leopard
        if leopard is None or not leopard.live:
            raise PublishingRefused(_("The individual's profile is not published yet."))
        if not highlight.media.stored_file:
            raise PublishingRefused(_("The image file has not been fetched into private storage."))

        deployment = highlight.media.deployment
        cell = GridCell.around(
            deployment.latitude, deployment.longitude, highlight.species.grid_cell_degrees
        )
        sector = deployment.sector
        captured = timezone.localtime(highlight.captured_at)
        month = datetime.date(captured.year, captured.month, 1)

        with highlight.media.stored_file.open("rb") as raw:
            data, _width, _height = clean_image(raw, highlight.crop_box)
        image = get_image_model()(
            title=f"{leopard.code} {month:%Y-%m}", collection=_sightings_collection()
        )
        image.file = ImageFile(io.BytesIO(data), name=f"sighting-{uuid.uuid4().hex}.jpg")
        image.save()

        texts = {}
        for language in LANGUAGES:
            suffix = FIELD_SUFFIX[language]
            with translation.override(language):
                place = sector.name if sector else cell.label()
                texts[f"title_{suffix}"] = _localized_text(
                    highlight, "story_title", language
                ) or _default_title(leopard, month_label(month), place)
                texts[f"story_{suffix}"] = _localized_text(highlight, "story", language)
                texts[f"image_alt_{suffix}"] = _localized_text(
                    highlight, "image_alt", language
                ) or _("%(name)s, camera-trap image") % {"name": leopard.display_name}
        sighting = PublishedSighting.objects.create(
            highlight=highlight,
            leopard=leopard,
            species=highlight.species,
            month=month,
            sector=sector,
            place_code=sector.slug if sector else cell.code,
            cell_south=cell.south,
            cell_west=cell.west,
            cell_size=cell.size,
            image=image,
            **texts,
        )
        highlight.status = Highlight.Status.PUBLISHED
        highlight.save(update_fields=["status"])
        payload, localized = sighting_event(sighting)
        live.publish(leopard.live_topic, "sighting.published", payload, localized=localized)
        live.publish("feed", "sighting.published", payload, localized=localized)
    return sighting


def withdraw_sighting(sighting, user, reason, *, now=None):
    """Takes a published sighting back: it leaves every public output at once.

    Pages, the JSON and the search index read only sightings not withdrawn; the public image
    file and its renditions are deleted; the stored live events of the sighting are emptied
    (feeds, replays, pending e-mails) and open pages are told to remove it. The row stays,
    with who withdrew it, when and why.
    """
    if not (user and user.is_active and user.has_perm("wildlife.withdraw_publishedsighting")):
        raise PermissionDenied(_("You may not withdraw sightings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the sighting."))
    now = now or timezone.now()
    with transaction.atomic():
        sighting = (
            PublishedSighting.objects.select_for_update(of=("self",))
            .select_related("leopard", "highlight", "image")
            .get(pk=sighting.pk)
        )
        if sighting.withdrawn_at is not None:
            raise ValidationError(_("This sighting was withdrawn already."))
        image = sighting.image
        sighting.withdrawn_at = now
        sighting.withdrawn_by = user
        sighting.withdrawal_reason = reason
        sighting.image = None
        sighting.save()
        if image is not None:
            image.delete()  # Wagtail removes the file and its renditions once committed
        highlight = sighting.highlight
        highlight.status = Highlight.Status.WITHDRAWN
        highlight.save(update_fields=["status"])
        log(sighting, "wildlife.sighting.withdraw", user=user, data={"reason": reason})
        log(highlight, "wildlife.sighting.withdraw", user=user, data={"reason": reason})
        live.retract("sighting.published", "sighting_id", sighting.pk, as_kind=WITHDRAWN)
        payload = {"sighting_id": sighting.pk, "leopard_id": sighting.leopard_id}
        live.publish(sighting.leopard.live_topic, WITHDRAWN, payload)
        live.publish("feed", WITHDRAWN, payload)
    return sighting


def sighting_event(sighting):
    """The public payload and per-language texts of a published sighting, for live.publish."""
    rendition = sighting.image.get_rendition(PUBLIC_RENDITION)
    leopard = sighting.leopard
    payload = {
        "sighting_id": sighting.pk,
        "leopard_id": leopard.pk,
        "leopard_code": leopard.code,
        "species": sighting.species.slug,
        "month": f"{sighting.month:%Y-%m}",
        "sector": sighting.place_code,
        "image": {"url": rendition.url, "width": rendition.width, "height": rendition.height},
    }
    localized = {}
    for language in LANGUAGES:
        with translation.override(language):
            localized[language] = {
                "title": sighting.title,
                "leopard_name": leopard.display_name,
                "month_label": sighting.month_label,
                "sector_label": sighting.place_label,
                "url": leopard.get_url(),
                "alt": sighting.image_alt,
            }
    return payload, localized


def publish_due_sightings(now=None):
    """Publishes every approved highlight whose embargo is over; returns the sightings made."""
    now = now or timezone.now()
    published = []
    due = Highlight.objects.filter(
        status=Highlight.Status.SCHEDULED, publish_after__lte=now
    ).order_by("publish_after", "pk")
    for highlight in due:
        try:
            published.append(publish_sighting(highlight, now=now))
        except PublishingRefused as refusal:
            logger.info("highlight %s stays scheduled: %s", highlight.pk, refusal.message)
    return published


@transaction.atomic
def change_embargo(species, days, reason, user):
    """Changes a species' embargo: superusers only, with a recorded reason."""
    if not (user and user.is_active and user.is_superuser):
        raise PermissionDenied(_("Only a superuser may change an embargo."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the change."))
    if days < 0:
        raise ValidationError(_("An embargo cannot be negative."))
    species = Species.objects.select_for_update().get(pk=species.pk)
    EmbargoChange.objects.create(
        species=species,
        old_days=species.embargo_days,
        new_days=days,
        reason=reason,
        changed_by=user,
    )
    species.embargo_days = days
    species.save(update_fields=["embargo_days"])
    for highlight in Highlight.objects.filter(
        species=species, status=Highlight.Status.SCHEDULED
    ).select_related("species"):
        highlight.publish_after = embargo_end(highlight)
        highlight.save(update_fields=["publish_after"])
    return species


# -- public figures ----------------------------------------------------------------------------


def monthly_sector_counts(species=None):
    """Published sightings per month and place, for classrooms: nothing finer than that.

    Rows of {"year", "month", "sector", "sector_name": {language: name}, "species", "count"},
    where "sector" is a park sector's slug or, outside the sectors, a grid cell's code.
    """
    sightings = PublishedSighting.objects.public()
    if species:
        sightings = sightings.filter(species__slug=getattr(species, "slug", species))
    rows = (
        sightings.annotate(year=ExtractYear("month"), month_number=ExtractMonth("month"))
        .values("year", "month_number", "place_code", "sector", "species__slug")
        .annotate(count=Count("pk"))
        .order_by("year", "month_number", "place_code", "species__slug")
    )
    sectors = {sector.pk: sector for sector in Sector.objects.all()}
    result = []
    for row in rows:
        names = {}
        for language in LANGUAGES:
            with translation.override(language):
                sector = sectors.get(row["sector"])
                names[language] = sector.name if sector else _cell_label(row["place_code"])
        result.append(
            {
                "year": row["year"],
                "month": row["month_number"],
                "sector": row["place_code"],
                "sector_name": names,
                "species": row["species__slug"],
                "count": row["count"],
            }
        )
    return result


def _cell_label(code):
    sighting = (
        PublishedSighting.objects.public()
        .filter(place_code=code)
        .only("cell_south", "cell_west", "cell_size")[:1]
    )
    return sighting[0].cell.label() if sighting else code


def home_context(request, page):
    """The home page's leopards section: named individuals. (The latest sightings are the live
    feed's section: one list on the page, not two.)"""
    leopards = list(
        LeopardPage.objects.live()
        .public()
        .exclude(name="")
        .select_related("portrait", "species")
        .order_by("code")[:6]
    )
    if not leopards:
        return None
    return {"leopards": leopards, "index": LeopardIndexPage.objects.live().first()}


def sighting_search_documents(sighting):
    """What the site search may show of a published sighting, per language: its public title,
    story or month and place label, and the leopard's page. Nothing once the profile is not live."""
    from search import Document

    if not sighting.leopard.live:
        return []
    documents = []
    for language, _name in settings.LANGUAGES:
        text = sighting.public_text(language)
        documents.append(
            Document(
                language=language,
                title=text["title"],
                body=text["summary"],
                url=text["url"],
                date=sighting.month,
            )
        )
    return documents
