"""The sponsorship certificate: the longest names the giving form accepts, in Latin, Cyrillic
and Chinese, stay inside its margins; without its font it is not drawn, and the portal says so
at start-up."""

import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import rest_framework
from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from PIL import Image

from cms.demo import ensure_image, paint_rosettes
from donations import certificates
from donations.forms import DonationForm
from portal.startup import run_startup_checks
from tests.conftest import AsgiServer
from tests.donations.conftest import pay_with_test_checkout, start

NAME_LIMIT = DonationForm.base_fields["name"].max_length
LANGUAGES = ("ru", "en", "zh-hans")


def longest(words):
    """`words` repeated to exactly the form's limit, ending on a letter (the form strips)."""
    text = " ".join([words] * NAME_LIMIT)[:NAME_LIMIT]
    return text if not text.endswith(" ") else text[:-1] + words[0]


# The longest names in each script, and the widest: one letter of the widest kind, no spaces.
NAMES = {
    "Cyrillic": longest("Констанция Владиславовна Щербатова-Преображенская"),
    "Latin": longest("Bartholomew Maximilian Worthington-Fitzwilliam"),
    "Chinese": ("欧阳慕容诸葛司马上官皇甫尉迟公孙长孙宇文" * 10)[:NAME_LIMIT],
    "Cyrillic, widest": "Щ" * NAME_LIMIT,
    "Latin, widest": "W" * NAME_LIMIT,
    "Chinese, widest": "豹" * NAME_LIMIT,
}
WIDTH, HEIGHT = certificates.SIZE
INNER_FRAME = max(inset + width for inset, width in certificates.FRAMES)


@pytest.fixture
def sponsorship(campaigns, demo_checkout):
    """A paid sponsorship of Grace, whose portrait the certificate prints."""
    portrait, _ = ensure_image("Grace's portrait", paint_rosettes, size=(1200, 800), seed=3)
    campaigns.grace.portrait = portrait
    campaigns.grace.save_revision().publish()
    donation, _ = start(campaigns.patrols, leopard=campaigns.grace, name="Anna")
    return pay_with_test_checkout(donation)


def without_spaces(text):
    return re.sub(r"\s+", "", text)


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def paper_only(image, box):
    return image.crop(box).getcolors() == [
        ((box[2] - box[0]) * (box[3] - box[1]), certificates.PAPER)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_names_stay_inside_the_margins(sponsorship, language):
    for script, name in NAMES.items():
        sponsorship.name = name
        texts = certificates.certificate_texts(sponsorship, language)
        placed = certificates.layout(texts)

        # Every line's ink is inside the margins, apart from the others and from the photo.
        assert placed.photo_box is not None, script
        boxes = [line.box for line in placed.lines]
        for box in boxes:
            assert box[0] >= certificates.MARGIN_X and box[2] <= WIDTH - certificates.MARGIN_X
            assert box[1] >= certificates.MARGIN_TOP
            assert box[3] <= HEIGHT - certificates.MARGIN_BOTTOM
            assert not overlap(box, placed.photo_box), (script, box)
        for index, box in enumerate(boxes):
            assert not any(overlap(box, other) for other in boxes[index + 1 :]), script
        # The whole name is printed, on at most the lines the sentence may take.
        lines = placed.text_of("line")
        assert without_spaces("".join(lines)) == without_spaces(texts["line"]), script
        # No character is drawn as the font's "missing glyph" box.
        font = placed.lines[0].font
        for text in texts.values():
            assert all(certificates._has_glyph(font, char) for char in text if not char.isspace())

        # Drawn for real: no ink between the inner frame and the margins, ink within them.
        image = Image.open(io.BytesIO(certificates.render_png(sponsorship, language)))
        assert image.size == certificates.SIZE
        band = INNER_FRAME + 2
        margins = [
            (band, band, certificates.MARGIN_X, HEIGHT - band),
            (WIDTH - certificates.MARGIN_X, band, WIDTH - band, HEIGHT - band),
            (band, band, WIDTH - band, certificates.MARGIN_TOP),
            (band, HEIGHT - certificates.MARGIN_BOTTOM, WIDTH - band, HEIGHT - band),
        ]
        for margin in margins:
            assert paper_only(image, margin), (script, margin)
        name_area = image.crop(placed.lines[1].box)  # the sentence with the name
        assert certificates.INK in {colour for _count, colour in name_area.getcolors(1 << 20)}


def test_a_short_name_keeps_one_line_at_full_size(sponsorship):
    sponsorship.name = "Anna"
    texts = certificates.certificate_texts(sponsorship, "en")
    placed = certificates.layout(texts)
    [line] = [line for line in placed.lines if "Anna" in line.text]
    assert line.text == "Anna sponsors the Amur leopard"
    [block] = [block for block in certificates.blocks(texts) if block.name == "line"]
    assert line.font.size == block.size


def test_lines_break_between_words_and_between_chinese_characters():
    font = certificates.font(40)
    words = ["Anna", "Maria", "Konstantinopolskaya"]
    latin = certificates.wrap(" ".join(words), font, 500)
    assert len(latin) > 1
    assert [word for line in latin for word in line.split()] == words
    assert all(certificates._width(font, line) <= 500 for line in latin)
    chinese = certificates.wrap("感谢您帮助保护“豹之乡”国家公园的远东豹。", font, 300)
    assert len(chinese) > 1
    assert "".join(chinese) == "感谢您帮助保护“豹之乡”国家公园的远东豹。"
    # Closing punctuation never starts a line; a Russian dash stays with the word before it.
    assert not any(line[0] in "。”，" for line in chinese)
    russian = certificates.wrap("Констанция Щербатова — опекун леопарда", font, 450)
    assert not any(line.startswith("—") for line in russian)


# --- The font, a deployment dependency ----------------------------------------------------------


def startup_messages():
    return [message for message in checks.run_checks(tags=["startup"]) if message.id]


def test_a_missing_font_stops_production_and_warns_the_embedded_mode(settings, tmp_path):
    missing = tmp_path / "NotoSerifCJK-Regular.ttc"
    settings.CERTIFICATE_FONT = str(missing)
    settings.DEBUG = False
    [error] = [m for m in startup_messages() if m.id.startswith("donations.")]
    assert (error.id, error.level) == ("donations.E001", checks.ERROR)
    assert str(missing) in error.msg and "missing" in error.msg
    assert "apt-get install fonts-noto-cjk" in error.hint
    with pytest.raises(ImproperlyConfigured, match="fonts-noto-cjk"):
        run_startup_checks()

    settings.DEBUG = True
    [warning] = [m for m in startup_messages() if m.id.startswith("donations.")]
    assert (warning.id, warning.level) == ("donations.W001", checks.WARNING)
    run_startup_checks()  # the embedded mode starts

    settings.CERTIFICATE_FONT = ""
    assert not [m for m in startup_messages() if m.id.startswith("donations.")]


def test_a_font_without_cyrillic_or_chinese_is_refused_as_well(settings):
    icons = Path(rest_framework.__file__).parent / "static/rest_framework/fonts"
    settings.CERTIFICATE_FONT = str(icons / "glyphicons-halflings-regular.ttf")
    settings.DEBUG = False
    [error] = [m for m in startup_messages() if m.id.startswith("donations.")]
    assert error.id == "donations.E001"
    assert "has no glyph for" in error.msg and "я" in error.msg and "豹" in error.msg


def test_without_its_font_the_certificate_is_not_drawn_in_boxes(
    client, settings, sponsorship, tmp_path
):
    from donations import services

    settings.CERTIFICATE_FONT = str(tmp_path / "missing.ttc")
    with pytest.raises(certificates.CertificateFontMissing, match="fonts-noto-cjk"):
        certificates.render_png(sponsorship, "ru")
    with translation.override("ru"):
        url = f"/ru/donations/certificate/{services.certificate_token(sponsorship)}.png"
    response = client.get(url)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Сертификат сейчас не удаётся нарисовать" in response.content.decode()

    settings.CERTIFICATE_FONT = ""
    assert client.get(url)["Content-Type"] == "image/png"


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "leopard.example.org",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_check_names_the_package_when_the_font_is_missing(tmp_path):
    missing = {"CERTIFICATE_FONT": str(tmp_path / "missing.ttc")}
    result = manage("check", env={**PRODUCTION, **missing})
    assert result.returncode != 0
    assert "donations.E001" in result.stderr
    assert "apt-get install fonts-noto-cjk" in result.stderr

    embedded = manage("check", env={"DEBUG": "true", **missing})
    assert embedded.returncode == 0, embedded.stderr
    assert "donations.W001" in embedded.stderr + embedded.stdout


def test_the_web_server_does_not_start_without_the_font(tmp_path):
    server = AsgiServer(
        {**PRODUCTION, "CERTIFICATE_FONT": str(tmp_path / "missing.ttc")},
        log_path=tmp_path / "server.log",
    )
    with pytest.raises(RuntimeError, match="exited"):
        server.start()
    server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "The portal cannot start" in log
    assert "donations.E001" in log and "fonts-noto-cjk" in log
