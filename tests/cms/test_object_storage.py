"""Public media in object storage: what an editor uploads goes to the public bucket, and pages
show it from there. The portal runs as production does, a server process with the S3 settings
made from its environment, against a local S3 server (tests/s3.py)."""

import re
import runpy
from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import translation
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.cms.test_images import camera_jpeg, save_image
from tests.conftest import admin_session
from tests.education.conftest import small_pdf
from tests.s3 import PROJECT, use_in_this_process


def media_urls(html):
    """Every URL in the page's src and srcset attributes."""
    urls = []
    for attribute, value in re.findall(r'\b(src|srcset)="([^"]+)"', html):
        value = unescape(value)
        urls += [part.split()[0] for part in value.split(",")] if attribute == "srcset" else [value]
    return urls


def test_an_editors_upload_is_stored_and_shown_from_the_public_bucket(
    object_storage, s3_stand_in, asgi_server_factory, site_tree, django_user_model
):
    buckets = object_storage
    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw-ed-123456")
    editor.groups.add(Group.objects.get(name="Editors"))
    server = asgi_server_factory()
    admin = admin_session(server.url, "ed", "pw-ed-123456")

    response = admin.post(
        "/admin/images/multiple/add/",
        files={"files[]": ("grace.jpg", camera_jpeg(), "image/jpeg")},
        headers={"X-CSRFToken": admin.csrf_token},
    )
    assert response.status_code == 200 and response.json()["success"], response.text
    image = get_image_model().objects.get(pk=response.json()["image_id"])

    # The original is in the public bucket, without the camera's metadata; nothing is private.
    assert s3_stand_in.keys(buckets.public) == [image.file.name]
    assert image.file.name.startswith("original_images/")
    assert s3_stand_in.keys(buckets.private) == []
    assert image.file.url == buckets.url(buckets.public, image.file.name)  # plain, unsigned
    original = buckets.anonymous_get(buckets.public, image.file.name)
    assert original.status_code == 200
    assert b"CAM-SECRET-7" not in original.content

    # The admin's own listing shows its thumbnail from the bucket.
    listing = admin.get("/admin/images/")
    assert f"{buckets.endpoint}/{buckets.public}/images/" in listing.text

    story = site_tree.story
    story.lead_image = image
    story.save_revision().publish()
    with translation.override("en"):
        path = story.get_url()
    page = httpx.get(server.url + path, timeout=30)
    assert page.status_code == 200
    renditions = [
        url
        for url in media_urls(page.text)
        if url.startswith(f"{buckets.endpoint}/{buckets.public}/images/")
    ]
    assert renditions  # the lead image, in each format and width, all from the bucket
    for url in renditions:
        served = httpx.get(url, timeout=10)
        assert served.status_code == 200
        assert served.headers["content-type"] in ("image/jpeg", "image/webp")
    # The page lets the browser load them (Content-Security-Policy), and names nothing private.
    csp = page.headers["content-security-policy"]
    img_src = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(renditions[0]))
    assert origin in img_src.split()
    assert buckets.private not in page.text
    assert set(s3_stand_in.keys(buckets.public)) >= {
        "/".join(urlsplit(url).path.split("/")[2:]) for url in renditions
    }

    # A document is read from the bucket by the portal's checked download view.
    pdf = small_pdf()
    document = get_document_model()(title="Lesson")
    document.file.save("lesson.pdf", ContentFile(pdf), save=False)
    document.save()
    assert document.file.name in s3_stand_in.keys(buckets.public)
    download = httpx.get(server.url + document.url, timeout=30)
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.content == pdf


def test_two_uploads_of_the_same_name_are_two_files(object_storage, db):
    first = save_image(camera_jpeg(size=(640, 400)), name="grace.jpg")
    second = save_image(camera_jpeg(size=(800, 500)), name="grace.jpg")
    assert first.file.name != second.file.name
    with first.file.open("rb") as handle:
        assert Image.open(handle).size == (640, 400)


def test_a_cdn_serves_public_media_and_never_private_files(object_storage, settings, monkeypatch):
    monkeypatch.setenv("AWS_S3_CUSTOM_DOMAIN", "media.leopard.example")
    computed = use_in_this_process(object_storage, settings, monkeypatch)
    assert computed["MEDIA_ORIGINS"] == ["https://media.leopard.example"]
    assert storages["default"].url("images/a.jpg") == "https://media.leopard.example/images/a.jpg"
    private = storages["private"].url("media/a.jpg")
    assert private.startswith(object_storage.url(object_storage.private, "media/a.jpg") + "?")
    assert parse_qs(urlsplit(private).query)["X-Amz-Expires"] == ["300"]


@pytest.mark.parametrize("private", ["", "leopard-media"])
def test_object_storage_needs_a_private_bucket_of_its_own(monkeypatch, private):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "leopard-media")
    monkeypatch.setenv("AWS_PRIVATE_BUCKET_NAME", private)
    with pytest.raises(ImproperlyConfigured, match="AWS_PRIVATE_BUCKET_NAME"):
        runpy.run_path(str(PROJECT / "portal" / "settings.py"))
