"""Nothing a poacher could use leaves the site: every public output of the demo, in 3 languages."""

import io
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from urllib.parse import urlparse

from django.core.files.storage import storages
from PIL import Image

from cms.demo import load_all
from live.models import Event
from wildlife.models import Deployment, LeopardPage, Media, PublishedSighting

LANGUAGES = ["ru", "en", "zh-hans"]


def forbidden_strings():
    secrets = set()
    for deployment in Deployment.objects.all():
        secrets.update(
            value
            for value in (
                deployment.deployment_id,
                deployment.camera_id,
                deployment.location_id,
                deployment.location_name,
            )
            if value
        )
        for coordinate in (deployment.latitude, deployment.longitude):
            for rounding in (ROUND_HALF_UP, ROUND_DOWN):
                text = str(Decimal(coordinate).quantize(Decimal("0.01"), rounding=rounding))
                secrets.update({text, text.replace(".", ",")})
    for media in Media.objects.all():
        secrets.update(
            value
            for value in (media.media_id, media.file_path, media.file_name, media.stored_file.name)
            if value
        )
    secrets.update({"/admin/wildlife/media/", "camtrap/"})
    return secrets


def crawl(client):
    """Every public URL of the demo site: sitemaps, listings, feeds and JSON, per language."""
    urls = {
        "/robots.txt",
        "/sitemap.xml",
        "/api/wildlife/sightings.json",
        "/api/wildlife/monthly-counts.json",
    }
    topics = ["feed", *(f"leopard:{pk}" for pk in LeopardPage.objects.values_list("pk", flat=True))]
    urls.add("/live/events/?topics=" + ",".join(topics[:10]) + "&since=0")
    for language in LANGUAGES:
        urls.update(
            {
                f"/{language}/",
                f"/{language}/sitemap.xml",
                f"/{language}/live/sightings.rss",
                f"/{language}/live/sightings.atom",
            }
        )
        for leopard in LeopardPage.objects.live():
            urls.add(f"/{language}/live/leopards/{leopard.pk}/sightings.rss")
        sitemap = client.get(f"/{language}/sitemap.xml")
        assert sitemap.status_code == 200
        for loc in ET.fromstring(
            b"".join(sitemap.streaming_content) if sitemap.streaming else sitemap.content
        ).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            urls.add(urlparse(loc.text).path)
    index_paths = [url for url in urls if re.fullmatch(r"/[a-z-]+/(leopardy|leopards|baozi)/", url)]
    assert len(index_paths) == 3
    for path in index_paths:
        urls.add(path + "sightings/")
        for sighting in PublishedSighting.objects.all()[:3]:
            urls.add(
                f"{path}sightings/?leopard={sighting.leopard_id}&sector={sighting.place_code}&year={sighting.month.year}"
            )
    return sorted(urls)


def test_no_public_output_reveals_where_a_camera_is(db, client):
    load_all(io.StringIO())
    assert PublishedSighting.objects.count() >= 10
    assert LeopardPage.objects.live().count() >= 6
    secrets = forbidden_strings()
    assert len(secrets) > 40

    urls = crawl(client)
    assert len(urls) > 40
    images = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaks on {url}"
        images.update(re.findall(r"/media/[\w./-]+\.(?:jpg|jpeg|webp|png)", body))

    for event in Event.objects.filter(kind="sighting.published"):
        text = str(event.payload) + str(event.localized)
        for secret in secrets:
            assert secret not in text

    # Every published image file: no metadata, and not a raw frame.
    sighting_images = [url for url in images if "/sighting-" in url]
    assert sighting_images
    media = storages["default"]
    for url in images:
        with media.open(url.removeprefix("/media/")) as file:
            image = Image.open(file)
            image.load()
        if "/sighting-" in url:
            assert not image.getexif()
            assert (
                "exif" not in image.info
                and "xmp" not in image.info
                and "icc_profile" not in image.info
            )
