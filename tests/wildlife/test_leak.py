"""Nothing a poacher could use leaves the site: every public output of the demo, in 3 languages."""

import html
import io
import json
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from urllib.parse import urlparse

from django.contrib.auth.models import Group
from django.core.files.storage import storages
from PIL import Image

from cms.demo import load_all
from live.models import Event
from search.services import rebuild as rebuild_search_index
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


def public_body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()


def search_results_text(body):
    """The text of a search page's results, without the query it echoes or the highlighting."""
    results = re.search(r'<ol class="search-results__list".*?</ol>', body, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", results.group(0))) if results else ""


def sighting_ids_in_json(body):
    """Every sighting id a JSON output shows (the sightings API, the live replay); the notice
    that tells open pages to remove a withdrawn one names only its id, and is not counted."""
    found = set()

    def walk(value):
        if isinstance(value, dict):
            if value.get("kind") == "sighting.withdrawn":
                return
            if "sighting_id" in value:
                found.add(value["sighting_id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(body))
    return found


def test_a_withdrawn_sighting_is_in_no_public_output(
    db, client, django_user_model, django_capture_on_commit_callbacks
):
    """The same crawl after a moderator withdraws a sighting: its title, its image and its id
    are gone from pages, feeds, JSON, search, the cached home page and the live replay."""
    load_all(io.StringIO())
    rebuild_search_index()
    sighting = PublishedSighting.objects.public().filter(image__isnull=False).latest("month")
    others = PublishedSighting.objects.public().exclude(pk=sighting.pk)
    image_stem = sighting.image.file.name.rsplit("/", 1)[-1].split(".")[0]
    traces = {image_stem}
    search_words = set()
    for language in LANGUAGES:
        title = getattr(sighting, f"title_{language.replace('-', '_')}")
        if (
            title
            and not others.filter(title=title).exists()
            and not any(
                title in getattr(other, f"title_{lang.replace('-', '_')}") or ""
                for other in others
                for lang in LANGUAGES
            )
        ):
            traces.add(title)
            search_words.add((language, title))
    assert len(traces) >= 2  # the image and at least one title the crawl can miss

    urls = crawl(client)
    urls += [f"/{language}/search/?q={title}" for language, title in search_words]
    json_urls = [url for url in urls if url.endswith(".json") or url.startswith("/live/events/")]
    searches = {url for url in urls if "/search/" in url}

    def read(url):
        body = public_body(client, url)
        return search_results_text(body) if url in searches else body

    before = {url: read(url) for url in urls}  # the home page is cached here
    assert all(before[url] for url in searches), "search must find the sighting first"
    seen = {trace for trace in traces for body in before.values() if trace in body}
    assert seen == traces, "the crawl must see the sighting before it is withdrawn"
    assert any(sighting.pk in sighting_ids_in_json(before[url]) for url in json_urls)

    moderator = django_user_model.objects.create_user("leak-moderator", password="pw-moder-1")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/wildlife/sightings/{sighting.pk}/withdraw/",
            {"reason": "The ridge behind the leopard is recognisable."},
        )
    assert response.status_code == 302
    client.logout()
    sighting.refresh_from_db()
    assert sighting.withdrawn_at is not None

    for url in urls:
        body = read(url)
        for trace in traces:
            assert trace not in body, f"withdrawn {trace!r} still on {url}"
        if url in json_urls:
            assert sighting.pk not in sighting_ids_in_json(body), url
    # Open pages are told over the live channel; its replay no longer carries the sighting.
    replay = json.loads(public_body(client, next(url for url in urls if "/live/" in url[:6])))
    assert any(
        event["kind"] == "sighting.withdrawn" and event["payload"]["sighting_id"] == sighting.pk
        for event in replay["events"]
    )
    for event in Event.objects.all():
        text = json.dumps(event.payload) + json.dumps(event.localized)
        assert image_stem not in text
        if event.kind == "sighting.published":
            assert event.payload.get("sighting_id") != sighting.pk
