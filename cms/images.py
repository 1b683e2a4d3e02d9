"""Images uploaded to the Wagtail library lose their metadata before they are stored.

A photo from a phone or a camera trap carries EXIF and XMP: the camera's make and serial, the
time to the second and often the GPS position. Wagtail keeps that metadata in the original and
copies it into every rendition it makes (pages, og:image), so a portrait uploaded as it came
from the camera would tell a poacher where the leopard was. Before a new file is saved its
pixels are written again, upright, without metadata; the colour profile stays (it says nothing
of a place). Formats this cannot rewrite safely (animations, SVG) are stored as they came.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop")
REWRITABLE = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "TIFF": "TIFF"}


def has_metadata(image):
    return bool(image.getexif()) or any(key in image.info for key in METADATA_KEYS)


def without_metadata(fileobj):
    """The image's bytes written again without metadata, or None when it has none (or cannot
    be rewritten: then it has nothing Pillow can read either way)."""
    try:
        image = Image.open(fileobj)
        image.load()
    except (UnidentifiedImageError, OSError):
        return None
    target = REWRITABLE.get(image.format)
    if target is None or getattr(image, "n_frames", 1) > 1 or not has_metadata(image):
        return None
    icc_profile = image.info.get("icc_profile")
    pixels = ImageOps.exif_transpose(image)
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if target == "JPEG":
        options["quality"] = 92
        if pixels.mode not in ("RGB", "L", "CMYK"):
            pixels = pixels.convert("RGB")
    # A new image from the pixels alone: nothing of the old one's info comes along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    if pixels.mode == "P" and pixels.getpalette():
        clean.putpalette(pixels.getpalette())
    if "transparency" in pixels.info:
        options["transparency"] = pixels.info["transparency"]
    output = io.BytesIO()
    clean.save(output, target, **options)
    return output.getvalue()


def strip_uploaded_metadata(sender, instance, raw=False, **kwargs):
    """pre_save of the Wagtail image model: a newly uploaded file is stored without metadata."""
    file = instance.file
    if raw or not file or getattr(file, "_committed", True):
        return
    file.seek(0)
    data = without_metadata(file)
    file.seek(0)
    if data is None:
        return
    instance.file = ContentFile(data, name=file.name)
    instance.file_size = len(data)
    instance._set_file_hash()
