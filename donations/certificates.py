"""The sponsor's certificate: a printable PNG drawn by Pillow, in the sponsor's language.

The photo is the leopard's public portrait or its latest published sighting: images already
on its public page (sighting images are cleaned by wildlife). Only pixels are copied onto a new
canvas, so no metadata of the source file reaches the certificate.
"""

import io
from functools import cache
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from cms.formats import local_date
from donations import wording

SIZE = (1600, 1131)  # A4 landscape proportions
INK = (38, 40, 34)
ACCENT = (150, 96, 34)
PAPER = (250, 246, 236)

# A font with Latin, Cyrillic and Chinese alike, since a sponsor's name may be in any of them
# whatever the certificate's language (Noto CJK, as Debian installs it); DejaVu lacks Chinese.
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
]


@cache
def _font_path():
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return path
    return None


def font(size):
    path = _font_path()
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


def leopard_photo(leopard):
    """The public image of the leopard to print, or None."""
    if leopard.portrait_id:
        return leopard.portrait
    sighting = leopard.published_sightings().first()
    return sighting.image if sighting else None


def _photo_pixels(image, size):
    with image.open_file() as handle, Image.open(handle) as source:
        source.load()
        pixels = ImageOps.exif_transpose(source).convert("RGB")
    return ImageOps.fit(pixels, size, Image.Resampling.LANCZOS)


def _centered(draw, y, text, text_font, fill, width):
    left, _top, right, bottom = draw.textbbox((0, 0), text, font=text_font)
    draw.text(((width - (right - left)) / 2, y), text, font=text_font, fill=fill)
    return y + bottom + 18


def render_png(donation, language):
    leopard = donation.leopard
    with translation.override(language):
        sponsor = donation.name or _("A friend of the park")
        leopard_name = leopard.display_name
        texts = {
            "heading": _("Certificate of sponsorship"),
            "line": wording.about(leopard, "certificate", sponsor=sponsor),
            "leopard": f"{leopard_name} · {leopard.code}",
            "thanks": _(
                "Thank you for protecting the leopards of the Land of the Leopard National Park."
            ),
            "date": local_date(timezone.localdate(donation.paid_at or timezone.now())),
            "park": _("Land of the Leopard National Park"),
        }
    canvas = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(canvas)
    width, height = SIZE
    draw.rectangle([24, 24, width - 24, height - 24], outline=ACCENT, width=6)
    draw.rectangle([40, 40, width - 40, height - 40], outline=ACCENT, width=2)

    y = 80
    y = _centered(draw, y, texts["heading"], font(64), ACCENT, width)
    photo = leopard_photo(leopard)
    if photo is not None:
        box = (640, 420)
        canvas.paste(_photo_pixels(photo, box), ((width - box[0]) // 2, y + 10))
        y += box[1] + 40
    else:
        y += 60
    y = _centered(draw, y, texts["line"], font(40), INK, width)
    y = _centered(draw, y, texts["leopard"], font(58), INK, width)
    y = _centered(draw, y + 10, texts["thanks"], font(28), INK, width)
    _centered(draw, height - 130, f"{texts['park']} · {texts['date']}", font(26), ACCENT, width)

    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
