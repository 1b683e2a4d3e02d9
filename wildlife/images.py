"""Camera-trap images: checking what a package brings, and cleaning what the public sees.

A raw frame tells a poacher where and when: EXIF GPS and camera serials, and the info strips
that the camera prints on the picture (date, temperature, camera name). The public image is
re-encoded from its pixels alone, with those strips cut off and its size capped.
"""

import io
import warnings

from PIL import Image, ImageOps

# Larger images are refused (a decompression bomb is a small file that expands to gigapixels).
MAX_PIXELS = 64_000_000
MAX_FILE_BYTES = 50 * 1024 * 1024
PUBLIC_MAX_SIZE = (1600, 1200)
# An info strip is a band at the top or bottom of nearly uniform colour (text aside), at most
# this share of the height; a margin of this share is cut beyond it, for the strip's edge.
STRIP_MAX_SHARE = 0.15
STRIP_MARGIN_SHARE = 0.01
STRIP_UNIFORM_SHARE = 0.6


class ImageRejected(ValueError):
    """A file that is not an image we can safely open."""


def open_checked(fileobj):
    """The image in `fileobj`, fully decoded, or ImageRejected.

    Refuses non-images, truncated files and decompression bombs, without trusting the header.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRejected(
                    f"image of {width}×{height} pixels is larger than {MAX_PIXELS} pixels"
                )
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(f"image too large: {error}") from error
    except (OSError, SyntaxError, ValueError) as error:
        # Pillow raises OSError for truncated data and UnidentifiedImageError (an OSError) for
        # files that are not images.
        raise ImageRejected(f"not a readable image: {error}") from error
    return image


def check_image_bytes(data):
    """Raises ImageRejected unless `data` is a whole, reasonably sized image."""
    if len(data) > MAX_FILE_BYTES:
        raise ImageRejected(f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    open_checked(io.BytesIO(data))


def _strip_rows(grey, rows):
    """How many rows, walking `rows` from an edge, belong to a printed info strip."""
    width = grey.width
    pixels = grey.load()
    step = max(1, width // 400)
    samples = range(0, width, step)
    edge_row = next(iter(rows))
    histogram = [0] * 256
    for x in samples:
        histogram[pixels[x, edge_row]] += 1
    background = max(range(256), key=histogram.__getitem__)
    count = 0
    for y in rows:
        uniform = sum(1 for x in samples if abs(pixels[x, y] - background) <= 8)
        if uniform / len(samples) < STRIP_UNIFORM_SHARE:
            break
        count += 1
    return count


def info_strip_bounds(image):
    """(top, bottom) rows of the picture between the camera's printed strips."""
    grey = image.convert("L")
    height = grey.height
    limit = int(height * STRIP_MAX_SHARE)
    top = _strip_rows(grey, range(limit))
    bottom = _strip_rows(grey, range(height - 1, height - 1 - limit, -1))
    margin = int(height * STRIP_MARGIN_SHARE)
    # A strip as tall as the limit is a dark night frame, not a strip: keep the picture.
    top = top + margin if 0 < top < limit else 0
    bottom = bottom + margin if 0 < bottom < limit else 0
    return top, height - bottom


def clean_image(fileobj, crop_box=(0.0, 0.0, 1.0, 1.0), max_size=PUBLIC_MAX_SIZE):
    """The public JPEG (bytes, width, height) of a raw camera-trap frame.

    Orientation is applied, the info strips cut, the vetter's crop (fractions of what is left)
    applied and the size capped; then the pixels are copied into a new image so that nothing
    but pixels (no EXIF, XMP, IPTC, ICC, maker notes or thumbnail) can reach the file.
    """
    image = ImageOps.exif_transpose(open_checked(fileobj)).convert("RGB")
    top, bottom = info_strip_bounds(image)
    image = image.crop((0, top, image.width, bottom))
    left, upper, right, lower = crop_box
    if not (0 <= left < right <= 1 and 0 <= upper < lower <= 1):
        raise ValueError("the crop must lie within the image")
    image = image.crop(
        (
            round(left * image.width),
            round(upper * image.height),
            round(right * image.width),
            round(lower * image.height),
        )
    )
    image.thumbnail(max_size, Image.Resampling.LANCZOS)
    pixels_only = Image.frombytes("RGB", image.size, image.tobytes())
    buffer = io.BytesIO()
    pixels_only.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue(), pixels_only.width, pixels_only.height
