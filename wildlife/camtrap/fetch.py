"""Fetching media that a Camtrap DP package gives as URLs, when their host is reachable.

An import never fetches (it must not hang on a camera platform being away, and works offline);
staff run `manage.py fetch_camtrap_media` when the files are wanted. Each file is checked like
a packaged one (size, real image, no decompression bomb) and goes to private storage only.
"""

import hashlib
from dataclasses import dataclass, field

import httpx
from django.core.files.base import ContentFile

from wildlife.camtrap.importer import _media_name
from wildlife.images import MAX_FILE_BYTES, ImageRejected, check_image_bytes

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass
class FetchReport:
    fetched: list = field(default_factory=list)
    unreachable: list = field(default_factory=list)
    rejected: list = field(default_factory=list)


def waiting_media(queryset=None):
    """Media given as an http(s) URL whose file has not been fetched yet."""
    from wildlife.models import Media

    queryset = Media.objects.all() if queryset is None else queryset
    return (
        queryset.filter(stored_file="")
        .filter(file_path__regex=r"^https?://")
        .select_related("provider")
    )


def _download(client, url):
    with client.stream("GET", url) as response:
        if response.status_code != 200:
            raise httpx.HTTPStatusError(
                f"HTTP {response.status_code}", request=response.request, response=response
            )
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise ImageRejected(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            chunks.append(chunk)
    return b"".join(chunks)


def fetch_media(queryset=None, progress=None, client=None):
    """Fetches every waiting media file that answers; returns what happened to each."""
    from wildlife.models.camtrap import private_storage

    report = FetchReport()
    own_client = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        for media in waiting_media(queryset).iterator():
            try:
                data = _download(client, media.file_path)
                if media.is_image:
                    check_image_bytes(data)
            except httpx.HTTPError as error:
                report.unreachable.append((media, str(error)))
                continue
            except ImageRejected as error:
                report.rejected.append((media, str(error)))
                continue
            digest = hashlib.sha256(data).hexdigest()
            same = type(media).objects.filter(content_sha256=digest).exclude(pk=media.pk).first()
            if same is not None:
                report.rejected.append((media, f"the same image is already {same}"))
                continue
            name = _media_name(media.provider, digest, media.file_path)
            storage = private_storage()
            if not storage.exists(name):
                name = storage.save(name, ContentFile(data))
            media.stored_file = name
            media.content_sha256 = digest
            media.save(update_fields=["stored_file", "content_sha256"])
            report.fetched.append(media)
            if progress:
                progress(len(report.fetched))
    finally:
        if own_client:
            client.close()
    return report
