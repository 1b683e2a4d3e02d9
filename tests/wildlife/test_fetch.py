"""Media given as URLs: recorded at import, fetched later only from hosts that answer."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from wildlife.camtrap.fetch import fetch_media
from wildlife.camtrap.importer import import_package
from wildlife.models import Media

from .conftest import EXAMPLE_PACKAGE


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def camera_platform(tmp_path):
    """A camera platform's file server on loopback: one real frame and one file that is not one."""
    root = tmp_path / "platform"
    root.mkdir()
    frame = next((EXAMPLE_PACKAGE / "media").glob("*.JPG"))
    # A frame of its own: the package's bytes are known already and would be refused as such.
    with Image.open(frame) as image:
        image.convert("RGB").save(root / "frame.jpg", "JPEG", quality=71)
    (root / "copy.jpg").write_bytes(frame.read_bytes())
    (root / "fake.jpg").write_bytes(b"<html>not an image</html>")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def url_media(example_package, park, camera_platform):
    import_package(example_package, park)
    waiting = list(Media.objects.filter(file_path__startswith="http", stored_file="")[:4])
    assert len(waiting) == 4  # the example gives most of its media as URLs: recorded, not fetched
    paths = ["frame.jpg", "fake.jpg", "missing.jpg"]
    for media, path in zip(waiting, [*paths, None], strict=True):
        if path:
            media.file_path = f"{camera_platform}/{path}"
        else:
            media.file_path = "http://127.0.0.1:9/unreachable.jpg"  # the discard port: refused
        media.save()
    return waiting


def test_only_answering_hosts_with_real_images_are_fetched(url_media):
    report = fetch_media(Media.objects.filter(pk__in=[m.pk for m in url_media]))
    frame, fake, missing, unreachable = (Media.objects.get(pk=m.pk) for m in url_media)
    assert report.fetched == [frame]
    assert [m for m, _reason in report.rejected] == [fake]
    assert {m for m, _reason in report.unreachable} == {missing, unreachable}
    assert frame.stored_file.name.startswith("camtrap/land-of-the-leopard/")
    with frame.stored_file.open("rb") as stored:
        assert stored.read(3) == b"\xff\xd8\xff"
    assert fake.stored_file.name == missing.stored_file.name == unreachable.stored_file.name == ""


def test_fetching_again_leaves_fetched_files_alone(url_media):
    selected = Media.objects.filter(pk__in=[m.pk for m in url_media])
    fetch_media(selected)
    again = fetch_media(selected)
    assert again.fetched == []
    assert len(again.rejected) + len(again.unreachable) == 3


def test_an_image_already_imported_is_not_fetched_again_as_another_media(url_media):
    fake = url_media[1]
    fake.file_path = fake.file_path.replace("fake.jpg", "copy.jpg")
    fake.save()
    report = fetch_media(Media.objects.filter(pk=fake.pk))
    assert [m for m, _reason in report.rejected] == [fake]
    assert "the same image is already" in report.rejected[0][1]
    fake.refresh_from_db()
    assert fake.stored_file.name == "" and fake.content_sha256 == ""
