"""An image uploaded to the library is stored without the camera's metadata: no EXIF, no GPS,
in the original or in any rendition a page or a shared link shows."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

from wildlife.demo import exif_with_gps

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def camera_jpeg(size=(800, 500), orientation=None):
    """A JPEG as a phone or camera trap writes it: make, serial, time and the GPS position."""
    canvas = Image.new("RGB", size, (214, 160, 82))
    canvas.paste((20, 40, 30), (0, 0, size[0] // 4, size[1]))  # a dark band on the left
    exif = Image.Exif()
    exif.load(exif_with_gps(43.1234, 131.4567, "2024-05-01T03:04:05+10:00", "CAM-SECRET-7"))
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def stored(image_file):
    with image_file.open("rb") as file:
        data = file.read()
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return data, picture


def save_image(data, name="portrait.jpg"):
    image = get_image_model()(title="Portrait")
    image.file = ImageFile(io.BytesIO(data), name=name)
    image.save()
    return image


def test_an_uploaded_photo_loses_its_exif_and_gps(db):
    image = save_image(camera_jpeg())
    data, original = stored(image.file)
    assert not original.getexif()
    assert "exif" not in original.info
    assert b"CAM-SECRET-7" not in data and b"DemoTrap" not in data
    assert (image.width, image.height) == (800, 500)
    assert image.file_size == len(data)
    assert image.file_hash == hash_filelike(io.BytesIO(data))
    for spec in ("max-800x600|format-jpeg", "fill-1200x630|format-jpeg", "width-400"):
        rendition = image.get_rendition(spec)
        rendition_data, picture = stored(rendition.file)
        assert not picture.getexif(), spec
        assert GPS_IFD not in picture.getexif()
        assert b"CAM-SECRET-7" not in rendition_data


def test_a_turned_photo_is_stored_upright(db):
    # Orientation 6: the camera was turned; the pixels are stored sideways.
    image = save_image(camera_jpeg(size=(800, 500), orientation=6))
    _data, original = stored(image.file)
    assert original.size == (500, 800)
    assert (image.width, image.height) == (500, 800)
    # The dark band, on the left as stored, is at the top once turned upright.
    assert sum(original.getpixel((250, 20))) < 150
    assert sum(original.getpixel((250, 780))) > 300


def test_a_png_keeps_its_transparency_and_loses_its_exif(db):
    canvas = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    canvas.paste((200, 30, 30, 255), (16, 16, 48, 48))
    exif = Image.Exif()
    exif[0x010F] = "DemoTrap"
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", exif=exif.tobytes())
    image = save_image(buffer.getvalue(), name="logo.png")
    data, original = stored(image.file)
    assert b"DemoTrap" not in data
    assert original.mode == "RGBA"
    assert original.getpixel((0, 0))[3] == 0 and original.getpixel((32, 32))[3] == 255


def test_an_image_without_metadata_is_stored_as_it_came(db):
    canvas = Image.new("RGB", (300, 200), (30, 90, 60))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=80)
    image = save_image(buffer.getvalue())
    data, _picture = stored(image.file)
    assert data == buffer.getvalue()


def test_replacing_nothing_leaves_a_stored_file_alone(db):
    image = save_image(camera_jpeg())
    first, _ = stored(image.file)
    image.title = "Portrait of Grace"
    image.save()
    assert stored(image.file)[0] == first


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.org", "pw-123456")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_an_editor_uploading_a_camera_photo_stores_it_without_its_place(editor_client):
    response = editor_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("grace.jpg", camera_jpeg(), content_type="image/jpeg")},
    )
    assert response.status_code == 200, response.content[:500]
    assert response.json()["success"], response.json()
    image = get_image_model().objects.get()
    data, original = stored(image.file)
    assert not original.getexif()
    assert b"CAM-SECRET-7" not in data
    assert image.file_hash == hash_filelike(ContentFile(data))
