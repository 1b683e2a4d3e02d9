import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from PIL import Image

from live.models import Event
from wildlife import services
from wildlife.geoprivacy import GridCell
from wildlife.images import clean_image, info_strip_bounds
from wildlife.models import EmbargoChange, Highlight, PublishedSighting
from wildlife.services import PublishingRefused

from .conftest import EXAMPLE_PACKAGE


@pytest.fixture(autouse=True)
def _staff_read_english():
    """Services speak the active language; these tests read their messages in English."""
    with translation.override("en"):
        yield


def approve(highlight, leopard, user=None, now=None, **fields):
    highlight.leopard = leopard
    highlight.story_title_en = "Grace by the stream"
    highlight.story_en = "Grace paused by a stream."
    for name, value in fields.items():
        setattr(highlight, name, value)
    return services.approve_highlight(highlight, user, now=now)


def metadata_of(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, {
        key
        for key in image.info
        if key
        not in ("jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression")
    }


# -- the public image --------------------------------------------------------------------------


def test_public_image_has_no_metadata_and_no_info_strips():
    raw_path = EXAMPLE_PACKAGE / "media" / "20210531082538-RCNX0031.JPG"
    raw = Image.open(raw_path)
    assert raw.getexif()  # the camera's EXIF is there to begin with

    with open(raw_path, "rb") as source:
        data, width, height = clean_image(source)

    image, extra = metadata_of(data)
    assert extra == set()
    assert not image.getexif()
    assert image.applist == [("APP0", image.applist[0][1])] and image.applist[0][1].startswith(
        b"JFIF"
    )
    assert (width, height) == image.size
    # The Reconyx strips are ~30 px black bands top and bottom; none of their rows is left.
    scale = width / raw.width
    assert height <= (raw.height - 2 * 30) * scale + 1
    grey = image.convert("L")
    for y in (0, 1, height - 2, height - 1):
        row = [grey.getpixel((x, y)) for x in range(0, width, 4)]
        assert sum(1 for v in row if v <= 6) / len(row) < 0.6


def test_info_strips_of_the_demo_frames_are_found(leopard_package):
    image = Image.open(leopard_package / "media" / "IMG_0001.JPG")
    top, bottom = info_strip_bounds(image)
    strip = image.height // 36
    assert strip <= top <= strip + image.height * 0.02
    assert image.height - strip - image.height * 0.02 <= bottom <= image.height - strip


def test_the_vetters_crop_is_applied():
    with open(EXAMPLE_PACKAGE / "media" / "20210531082538-RCNX0031.JPG", "rb") as source:
        full = clean_image(source, max_size=(4000, 4000))
    with open(EXAMPLE_PACKAGE / "media" / "20210531082538-RCNX0031.JPG", "rb") as source:
        half = clean_image(source, (0.5, 0.0, 1.0, 1.0), max_size=(4000, 4000))
    assert half[1] == pytest.approx(full[1] / 2, abs=2)
    assert half[2] == full[2]
    with (
        pytest.raises(ValueError),
        open(EXAMPLE_PACKAGE / "media" / "20210531082538-RCNX0031.JPG", "rb") as source,
    ):
        clean_image(source, (0.6, 0.0, 0.4, 1.0))


def test_published_file_carries_no_gps(grace_highlight, leopard_tree):
    raw = Image.open(grace_highlight.media.stored_file.open("rb"))
    assert raw.getexif().get_ifd(0x8825)  # the demo camera wrote its position

    sighting = approve(grace_highlight, leopard_tree.grace)
    published = sighting.published

    with published.image.file.open("rb") as original:
        original_bytes = original.read()
    rendition = published.image.get_rendition(services.PUBLIC_RENDITION)
    with rendition.file.open("rb") as resized:
        rendition_bytes = resized.read()
    for data in (original_bytes, rendition_bytes):
        image, extra = metadata_of(data)
        assert extra == set()
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert b"Exif" not in data and b"http://ns.adobe.com/xap" not in data


# -- place and time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (43.1468, 131.4427),
        (43.1, 131.3),
        (42.99999, 131.00001),
        (-33.8567, 151.2153),
        (0.05, -0.05),
    ],
)
def test_grid_cell_contains_the_point_and_is_at_least_a_tenth_of_a_degree(latitude, longitude):
    cell = GridCell.around(latitude, longitude)
    assert cell.contains(latitude, longitude)
    assert cell.size >= Decimal("0.1")
    assert cell.north - cell.south == cell.size and cell.east - cell.west == cell.size


def test_grid_cells_narrower_than_a_tenth_are_refused():
    with pytest.raises(ValueError):
        GridCell.around(43.1, 131.3, size="0.05")


def test_published_sighting_shows_sector_and_month_only(grace_highlight, leopard_tree):
    approve(grace_highlight, leopard_tree.grace)
    sighting = PublishedSighting.objects.get()
    deployment = grace_highlight.media.deployment

    assert sighting.month == datetime.date(2024, 3, 1)
    assert sighting.place_code == "kedrovaya-pad"
    assert sighting.cell.contains(deployment.latitude, deployment.longitude)
    assert sighting.cell.size >= Decimal("0.1")


def test_outside_any_sector_the_place_is_the_grid_cell(grace_highlight, leopard_tree):
    deployment = grace_highlight.media.deployment
    deployment.sector = None
    deployment.save()
    sighting = approve(grace_highlight, leopard_tree.grace).published
    assert sighting.place_code == "cell-43.1n-131.4e"
    assert sighting.cell.contains(deployment.latitude, deployment.longitude)


# -- embargo -----------------------------------------------------------------------------------


def test_approval_before_the_embargo_ends_schedules_the_story(grace_highlight, leopard_tree):
    captured = grace_highlight.captured_at
    early = captured + datetime.timedelta(days=10)

    highlight = approve(grace_highlight, leopard_tree.grace, now=early)

    assert highlight.status == Highlight.Status.SCHEDULED
    assert highlight.publish_after == captured + datetime.timedelta(days=30)
    assert not PublishedSighting.objects.exists()
    with pytest.raises(PublishingRefused, match="embargo"):
        services.publish_sighting(highlight, now=early)
    assert services.publish_due_sightings(now=captured + datetime.timedelta(days=29)) == []

    published = services.publish_due_sightings(now=captured + datetime.timedelta(days=30))

    assert [s.highlight_id for s in published] == [highlight.pk]
    assert Highlight.objects.get(pk=highlight.pk).status == Highlight.Status.PUBLISHED


def test_a_longer_embargo_holds_back_scheduled_stories(grace_highlight, leopard_tree, superuser):
    captured = grace_highlight.captured_at
    highlight = approve(
        grace_highlight, leopard_tree.grace, now=captured + datetime.timedelta(days=1)
    )
    services.change_embargo(highlight.species, 90, "Cubs in the area this season", superuser)

    assert services.publish_due_sightings(now=captured + datetime.timedelta(days=60)) == []
    assert Highlight.objects.get(pk=highlight.pk).publish_after == captured + datetime.timedelta(
        days=90
    )


def test_only_a_superuser_with_a_reason_changes_an_embargo(leopard_species, vetter, superuser):
    with pytest.raises(PermissionDenied):
        services.change_embargo(leopard_species, 0, "impatient", vetter)
    with pytest.raises(ValidationError):
        services.change_embargo(leopard_species, 60, "   ", superuser)
    services.change_embargo(leopard_species, 60, "Denning season", superuser)

    change = EmbargoChange.objects.get()
    assert (change.old_days, change.new_days, change.reason, change.changed_by) == (
        30,
        60,
        "Denning season",
        superuser,
    )


# -- consent (2019 memorandum, clause 7) -------------------------------------------------------


def test_partner_data_needs_the_partners_recorded_approval(grace_highlight, leopard_tree, partner):
    Highlight.objects.filter(pk=grace_highlight.pk).update(provider=partner)
    grace_highlight.refresh_from_db()

    with pytest.raises(ValidationError, match="written approval"):
        approve(grace_highlight, leopard_tree.grace)
    assert not PublishedSighting.objects.exists()

    highlight = approve(
        grace_highlight,
        leopard_tree.grace,
        provider_approved_by="Wang Li, research department",
        provider_approved_on=datetime.date(2024, 9, 1),
    )
    assert highlight.status == Highlight.Status.PUBLISHED


def test_publishing_rechecks_consent(grace_highlight, leopard_tree, partner):
    Highlight.objects.filter(pk=grace_highlight.pk).update(
        provider=partner, status=Highlight.Status.SCHEDULED, leopard=leopard_tree.grace
    )
    with pytest.raises(PublishingRefused, match="written approval"):
        services.publish_sighting(grace_highlight)


# -- the live event ----------------------------------------------------------------------------


def test_publishing_hands_one_public_event_to_each_topic(grace_highlight, leopard_tree):
    sighting = approve(grace_highlight, leopard_tree.grace).published
    grace = leopard_tree.grace

    events = list(Event.objects.filter(kind="sighting.published").order_by("topic"))
    assert [event.topic for event in events] == ["feed", f"leopard:{grace.pk}"]
    payload = events[0].payload
    assert payload == events[1].payload
    assert set(payload) == {
        "sighting_id",
        "leopard_id",
        "leopard_code",
        "species",
        "month",
        "sector",
        "image",
    }
    assert payload["sighting_id"] == sighting.pk
    assert payload["leopard_id"] == grace.pk
    assert payload["leopard_code"] == "Leo 45F"
    assert payload["species"] == "leopard"
    assert payload["month"] == "2024-03"
    assert payload["sector"] == "kedrovaya-pad"
    assert set(payload["image"]) == {"url", "width", "height"}
    assert payload["image"]["url"].startswith("/media/images/sighting-")
    localized = events[0].localized
    assert set(localized) == {"ru", "en", "zh-hans"}
    assert localized["en"] == {
        "title": "Grace by the stream",
        "leopard_name": "Grace",
        "month_label": "March 2024",
        "sector_label": "Kedrovaya Pad",
        "url": "/en/leopards/grace/",
        "alt": "Grace, camera-trap image",
    }
    assert localized["ru"]["url"] == "/ru/leopardy/greys/"
    assert localized["zh-hans"]["sector_label"] == "雪松谷"
    text = str(events[0].payload) + str(events[0].localized)
    deployment = grace_highlight.media.deployment
    for secret in (
        deployment.deployment_id,
        deployment.camera_id,
        deployment.location_name,
        "43.14",
        "43.15",
        "131.44",
        grace_highlight.media.stored_file.name,
    ):
        assert secret not in text


def test_publishing_twice_sends_nothing_more(grace_highlight, leopard_tree):
    sighting = approve(grace_highlight, leopard_tree.grace).published
    assert services.publish_sighting(grace_highlight) == sighting
    assert Event.objects.filter(kind="sighting.published").count() == 2


def test_a_draft_profile_waits_until_it_is_published(grace_highlight, leopard_tree, vetter):
    highlight = services.approve_highlight(grace_highlight, vetter, new_profile_code="Leo 112F")
    assert highlight.status == Highlight.Status.SCHEDULED
    assert highlight.leopard.code == "Leo 112F" and not highlight.leopard.live
    assert services.publish_due_sightings() == []

    highlight.leopard.save_revision().publish()
    assert len(services.publish_due_sightings()) == 1


def test_a_rejected_highlight_cannot_be_published(grace_highlight, vetter):
    services.reject_highlight(grace_highlight, vetter)
    with pytest.raises(PublishingRefused):
        services.publish_sighting(grace_highlight)


def test_the_individual_must_be_of_the_same_species(grace_highlight, leopard_tree):
    from wildlife.models import Species

    tiger = Species.objects.get(slug="tiger")
    grace = leopard_tree.grace
    grace.species = tiger
    grace.save()
    with pytest.raises(ValidationError, match="another species"):
        approve(grace_highlight, grace)


# -- public data for others --------------------------------------------------------------------


def test_monthly_sector_counts_are_public_and_coarse(grace_highlight, leopard_tree):
    approve(grace_highlight, leopard_tree.grace)
    other = Highlight.objects.filter(individual_id="Leo 15F").order_by("captured_at").first()
    approve(other, leopard_tree.mother)

    rows = services.monthly_sector_counts(species="leopard")

    assert rows == [
        {
            "year": 2024,
            "month": 2,
            "sector": "borisovskoe-plateau",
            "sector_name": {
                "ru": "Борисовское плато",
                "en": "Borisovskoye plateau",
                "zh-hans": "鲍里索夫斯科耶高原",
            },
            "species": "leopard",
            "count": 1,
        },
        {
            "year": 2024,
            "month": 3,
            "sector": "kedrovaya-pad",
            "sector_name": {"ru": "Кедровая Падь", "en": "Kedrovaya Pad", "zh-hans": "雪松谷"},
            "species": "leopard",
            "count": 1,
        },
    ]
    assert services.monthly_sector_counts(species="tiger") == []


def test_public_text_for_the_search(grace_highlight, leopard_tree):
    sighting = approve(grace_highlight, leopard_tree.grace).published
    assert sighting.public_text("en") == {
        "title": "Grace by the stream",
        "summary": "Grace paused by a stream.",
        "url": "/en/leopards/grace/",
    }
    russian = sighting.public_text("ru")
    assert russian["url"] == "/ru/leopardy/greys/"
    assert russian["summary"] == "Grace paused by a stream."  # falls back to English


def test_capture_times_are_never_finer_than_a_month(grace_highlight, leopard_tree):
    sighting = approve(grace_highlight, leopard_tree.grace).published
    assert sighting.month.day == 1
    assert timezone.localtime(grace_highlight.captured_at).day != 1
