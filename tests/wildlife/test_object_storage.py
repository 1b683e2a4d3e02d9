"""Camera-trap originals in object storage: they go to the private bucket, which nobody reads
without keys; staff see them through the portal's views (or a signed URL that lasts minutes),
and no public output names the private bucket. The portal runs as production does, a server
process whose S3 settings come from its environment, against a local S3 server (tests/s3.py)."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from botocore.exceptions import ClientError
from django.urls import reverse
from django.utils import translation

from tests.conftest import admin_session
from wildlife import services
from wildlife.models import Media

PASSWORD = "pw-12345678!"  # tests/wildlife/conftest.py's make_user


def publish(highlight, leopard):
    """Approved by a vetter long after its embargo: published at once."""
    highlight.leopard = leopard
    highlight.story_title_en = "Grace by the stream"
    return services.approve_highlight(highlight, None).published


def test_camera_trap_originals_stay_in_the_private_bucket(
    object_storage, s3_stand_in, asgi_server_factory, grace_highlight, leopard_tree, vetter, editor
):
    buckets = object_storage
    s3 = s3_stand_in.client()
    media = grace_highlight.media
    name = media.stored_file.name
    stored = set(Media.objects.exclude(stored_file="").values_list("stored_file", flat=True))
    assert name in stored and stored <= set(s3_stand_in.keys(buckets.private))
    assert s3_stand_in.keys(buckets.public) == []
    original = s3.get_object(Bucket=buckets.private, Key=name)["Body"].read()

    # Nobody reads it without keys: no grant to everyone, no bucket policy, a plain GET refused.
    grants = s3.get_object_acl(Bucket=buckets.private, Key=name)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]
    with pytest.raises(ClientError) as no_policy:
        s3.get_bucket_policy(Bucket=buckets.private)
    assert no_policy.value.response["Error"]["Code"] == "NoSuchBucketPolicy"
    refused = buckets.anonymous_get(buckets.private, name)
    assert refused.status_code == 403
    assert original[:64] not in refused.content

    # Its URL, should anything ask for one, is signed and lasts five minutes.
    signed = media.stored_file.url
    assert signed.startswith(buckets.url(buckets.private, name) + "?")
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Signature"]
    assert httpx.get(signed, timeout=10).content == original

    # Staff see it through the portal's views, on a server with the production settings.
    server = asgi_server_factory()
    file_path = reverse("wildlife_media_file", args=[media.pk])
    anonymous = httpx.get(server.url + file_path, timeout=30)
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith(
        "/admin/login/"
    )
    outsider = admin_session(server.url, editor.username, PASSWORD)
    refused = outsider.get(file_path)
    assert refused.status_code in (302, 403) and original[:64] not in refused.content
    staff = admin_session(server.url, vetter.username, PASSWORD)
    response = staff.get(file_path)
    assert response.status_code == 200
    assert response.content == original
    assert response.headers["cache-control"].startswith("private, no-store")
    thumbnail = staff.get(reverse("wildlife_highlight_thumbnail", args=[grace_highlight.pk]))
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    preview = staff.get(reverse("wildlife_highlight_preview", args=[grace_highlight.pk]))
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
    # The thumbnail the queue shows is kept beside the original, privately.
    assert any(key.startswith("thumbnails/") for key in s3_stand_in.keys(buckets.private))
    assert s3_stand_in.keys(buckets.public) == []

    # Published, its cleaned copy is public; public outputs point at the public bucket only.
    sighting = publish(grace_highlight, leopard_tree.grace)
    assert sighting.image.file.name in s3_stand_in.keys(buckets.public)
    with translation.override("en"):
        leopard_page = leopard_tree.grace.get_url()
        outputs = [
            "/en/",
            leopard_page,
            reverse("live:sightings_rss"),
            reverse("wildlife_api:sightings"),
            reverse("live_api:events") + "?topics=feed",
        ]
    public_images = f"{buckets.endpoint}/{buckets.public}/images/"
    for path in outputs:
        body = httpx.get(server.url + path, timeout=30).text
        assert buckets.private not in body, path
        assert name not in body and "/admin/wildlife/media/" not in body, path
    page = httpx.get(server.url + leopard_page, timeout=30).text
    assert public_images in page
    feed = httpx.get(server.url + outputs[-1], timeout=30).json()
    assert feed["events"][-1]["payload"]["image"]["url"].startswith(public_images)
