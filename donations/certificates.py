"""The sponsor's certificate: a printable PNG drawn by Pillow, in the sponsor's language.

The photo is the leopard's public portrait or its latest published sighting: images already
on its public page (sighting images are cleaned by wildlife). Only pixels are copied onto a new
canvas, so no metadata of the source file reaches the certificate.

Every text is laid out inside the margins (`layout`): a sponsor's name may be as long as the
giving form allows, in Latin, Cyrillic or Chinese. A block first shrinks, down to its smallest
size, to stay on one line; then it wraps, between words (and between Chinese characters, which
need no spaces), onto as many lines as it may have, again from its largest size down. The font
is one file with all three scripts (conf.certificate_font, from Debian's fonts-noto-cjk); without
it the certificate is not drawn at all (CertificateFontMissing) rather than drawn in boxes.
"""

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from cms.formats import local_date
from donations import conf, wording

SIZE = (1600, 1131)  # A4 landscape proportions
INK = (38, 40, 34)
ACCENT = (150, 96, 34)
PAPER = (250, 246, 236)

# Two frames near the edge; text and photo stay inside the margins, well clear of them.
FRAMES = ((24, 6), (40, 2))  # (inset, line width)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 110, 70, 70
PHOTO = (640, 420)  # its largest size; smaller when long texts need the height
PHOTO_MIN_HEIGHT = 220
GAP = 22
LINE_SPACING = 1.32  # of the font size, baseline to baseline
SIZE_STEP = 2


class CertificateFontMissing(Exception):
    """The certificate's font file is not installed (see donations/checks.py)."""


@dataclass(frozen=True)
class Block:
    """A text and how it may be set: from `size` down to `floor`, on at most `max_lines`."""

    name: str
    text: str
    size: int
    floor: int
    max_lines: int
    fill: tuple


@dataclass
class Line:
    text: str
    font: ImageFont.FreeTypeFont
    fill: tuple
    x: float
    baseline: float
    box: tuple  # the ink's (left, top, right, bottom) on the canvas


@dataclass
class Layout:
    lines: list
    photo_box: tuple | None  # (left, top, right, bottom)
    blocks: dict  # name -> its lines' texts, in order

    def text_of(self, name):
        return self.blocks[name]


# --- The font --------------------------------------------------------------------------------


def font_problem(path=None):
    """Why the certificate cannot be drawn with the font at `path` (the configured one), or
    None. Also refuses a font without Latin, Cyrillic or Chinese glyphs: it would draw boxes."""
    path = path or conf.certificate_font()
    if not Path(path).is_file():
        return f"the font file {path} is missing"
    try:
        sample = _load(path, 32)
    except OSError as error:
        return f"the font file {path} cannot be read ({error})"
    missing = [char for char in "Aяж豹认" if not _has_glyph(sample, char)]
    if missing:
        return f"the font file {path} has no glyph for {''.join(missing)}"
    return None


def font(size):
    path = conf.certificate_font()
    if not Path(path).is_file():
        raise CertificateFontMissing(
            f"The certificate's font {path} is missing: install Debian's "
            f"{conf.CERTIFICATE_FONT_PACKAGE} package or set CERTIFICATE_FONT."
        )
    return _load(path, size)


@cache
def _load(path, size):
    return ImageFont.truetype(path, size, index=_face_index(path))


@cache
def _face_index(path):
    """The collection's Simplified Chinese face (its Chinese characters in their mainland
    forms); the first face of a file that has no such face."""
    index = 0
    while True:
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            return 0
        if face.getname()[0] == conf.CERTIFICATE_FONT_FACE:
            return index
        index += 1


def _has_glyph(sample, char):
    """Whether the font draws `char` itself, not its "missing glyph" box: the box is the same
    picture for every character the font lacks, such as a private-use one."""
    return _pixels(sample, char) != _pixels(sample, "\U0010fffd")


def _pixels(sample, char):
    image = Image.new("L", (2 * sample.size, 2 * sample.size))
    ImageDraw.Draw(image).text((sample.size // 2, sample.size // 2), char, font=sample, fill=255)
    return image.tobytes()


# --- Breaking text into lines ----------------------------------------------------------------

# Chinese (and Japanese, Korean) characters and their punctuation: a line may break between any two.
CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
# Never at the start of a line: closing punctuation, and a dash (Russian: "Анна — опекун").
NO_LINE_START = set("，。、；：！？）」』”’》〉】〕…·,.;:!?)»%—–")
# Never at the end of a line: opening punctuation.
NO_LINE_END = set("（「『“‘《〈【〔(«")


def pieces(text):
    """The text cut where a line may break: words with the space before them, and each
    Chinese character alone (punctuation kept with its neighbour)."""
    result, space = [], ""
    for char in text:
        if char.isspace():
            space = " " if result else ""
            continue
        joins = (
            result
            and not space
            and (
                char in NO_LINE_START
                or result[-1][-1] in NO_LINE_END
                or not (CJK.match(char) or CJK.match(result[-1][-1]))
            )
        )
        if joins:
            result[-1] += char
        elif space and char in NO_LINE_START:
            result[-1] += space + char
        else:
            result.append(space + char)
        space = ""
    return result


def _width(text_font, text):
    left, _top, right, _bottom = text_font.getbbox(text, anchor="ls")
    return max(right, text_font.getlength(text)) - min(left, 0)


def wrap(text, text_font, width):
    """Lines of at most `width` pixels, filled greedily; a word wider than a line alone (a
    long name without spaces) is cut between characters."""
    lines, current = [], ""
    for piece in pieces(text):
        candidate = current + piece if current else piece.lstrip()
        if _width(text_font, candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = piece.lstrip()
        while _width(text_font, current) > width:
            cut = _longest_fitting(text_font, current, width)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _longest_fitting(text_font, text, width):
    cut = 1
    while cut < len(text) and _width(text_font, text[: cut + 1]) <= width:
        cut += 1
    return cut


def fit(block, width):
    """(font, lines) for the block: one line, shrinking to the floor; else two lines, from the
    largest size again; and so on to the block's most lines. A text too long even so (never
    one the forms accept) ends in an ellipsis on the last line."""
    sizes = range(block.size, block.floor - 1, -SIZE_STEP)
    for allowed in range(1, block.max_lines + 1):
        for size in sizes:
            text_font = font(size)
            # Lines hold at most `width` each (less the spaces they break at): a text much
            # wider than `allowed` lines is not wrapped only to find that out.
            if _width(text_font, block.text) > allowed * (width + size):
                continue
            lines = wrap(block.text, text_font, width)
            if len(lines) <= allowed:
                return text_font, lines
    text_font = font(block.floor)
    lines = wrap(block.text, text_font, width)[: block.max_lines]
    while lines[-1] and _width(text_font, lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return text_font, lines


# --- The page --------------------------------------------------------------------------------


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


def certificate_texts(donation, language):
    leopard = donation.leopard
    with translation.override(language):
        sponsor = donation.name or _("A friend of the park")
        return {
            "heading": _("Certificate of sponsorship"),
            "line": wording.about(leopard, "certificate", sponsor=sponsor),
            "leopard": f"{leopard.display_name} · {leopard.code}",
            "thanks": _(
                "Thank you for protecting the leopards of the Land of the Leopard National Park."
            ),
            "footer": " · ".join(
                (
                    _("Land of the Leopard National Park"),
                    local_date(timezone.localdate(donation.paid_at or timezone.now())),
                )
            ),
        }


def blocks(texts):
    return [
        Block("heading", texts["heading"], 64, 44, 2, ACCENT),
        Block("line", texts["line"], 42, 30, 4, INK),
        Block("leopard", texts["leopard"], 58, 36, 3, INK),
        Block("thanks", texts["thanks"], 28, 22, 2, INK),
        Block("footer", texts["footer"], 26, 20, 2, ACCENT),
    ]


def layout(texts, with_photo=True, size=SIZE):
    """Where every line and the photo go. The photo takes the height the texts leave it, up
    to its full size; below PHOTO_MIN_HEIGHT it is left out."""
    width, height = size
    text_width = width - 2 * MARGIN_X
    fitted = {block.name: (block, *fit(block, text_width)) for block in blocks(texts)}

    def height_of(name):
        _block, text_font, lines = fitted[name]
        return round(text_font.size * LINE_SPACING) * len(lines)

    body = ("line", "leopard", "thanks")
    footer_top = height - MARGIN_BOTTOM - height_of("footer")
    texts_height = height_of("heading") + sum(height_of(name) for name in body)
    spare = footer_top - MARGIN_TOP - texts_height - GAP * (len(body) + 2)
    photo_height = min(PHOTO[1], spare) if with_photo else 0
    photo_box = None
    y = MARGIN_TOP
    lines = []
    y = _place(fitted["heading"], y, width, lines) + GAP
    if photo_height >= PHOTO_MIN_HEIGHT:
        photo_width = min(round(photo_height * PHOTO[0] / PHOTO[1]), text_width)
        left = (width - photo_width) // 2
        photo_box = (left, y, left + photo_width, y + photo_height)
        y += photo_height + GAP
    else:
        # Without a photo the texts sit in the middle of the page.
        y += max(0, (footer_top - GAP - y - sum(height_of(n) + GAP for n in body)) // 2)
    for name in body:
        y = _place(fitted[name], y, width, lines) + GAP
    _place(fitted["footer"], footer_top, width, lines)
    return Layout(
        lines=lines,
        photo_box=photo_box,
        blocks={name: set_lines for name, (_block, _font, set_lines) in fitted.items()},
    )


def _place(fitted, top, width, out):
    """Lines centred one under another from `top`; returns the bottom of the block."""
    block, text_font, lines = fitted
    step = round(text_font.size * LINE_SPACING)
    # The first baseline sits where an ascender (or a Chinese character's top) fits above it.
    baseline = top + round(text_font.size * 1.05)
    for text in lines:
        left, ink_top, right, ink_bottom = text_font.getbbox(text, anchor="ls")
        x = (width - (right - left)) / 2 - left
        out.append(
            Line(
                text,
                text_font,
                block.fill,
                x,
                baseline,
                (x + left, baseline + ink_top, x + right, baseline + ink_bottom),
            )
        )
        baseline += step
    return top + step * len(lines)


def render_png(donation, language):
    leopard = donation.leopard
    texts = certificate_texts(donation, language)
    photo = leopard_photo(leopard)
    placed = layout(texts, with_photo=photo is not None)

    canvas = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(canvas)
    width, height = SIZE
    for inset, line_width in FRAMES:
        draw.rectangle(
            [inset, inset, width - inset, height - inset], outline=ACCENT, width=line_width
        )
    if placed.photo_box is not None:
        left, top, right, bottom = placed.photo_box
        canvas.paste(_photo_pixels(photo, (right - left, bottom - top)), (left, top))
    for line in placed.lines:
        draw.text((line.x, line.baseline), line.text, font=line.font, fill=line.fill, anchor="ls")

    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
