import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image
from wagtail.documents import get_document_model

from education.forms import SafeDocumentForm
from education.models import ResourceFile
from education.uploads import validate_document
from tests.education.conftest import small_pdf

Document = get_document_model()

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 150, 80)).save(buffer, fmt)
    return buffer.getvalue()


def package(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = package({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
PPTX = package({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"})
ODT = package({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lesson.pdf", small_pdf()),
        ("photo.png", image_bytes("PNG")),
        ("photo.jpg", image_bytes("JPEG")),
        ("photo.JPEG", image_bytes("JPEG")),
        ("plan.docx", DOCX),
        ("slides.pptx", PPTX),
        ("plan.odt", ODT),
    ],
)
def test_safe_teaching_files_are_accepted(name, data):
    assert validate_document(upload(name, data)).extension == name.rsplit(".", 1)[1].lower()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("lesson.pdf", HTML, "content"),  # an HTML page renamed to look like a PDF
        ("drawing.png", SVG, "content"),  # an SVG with a script renamed to an image
        ("drawing.jpg", SVG, "content"),
        ("plan.docx", HTML, "content"),
        ("plan.docx", package({"[Content_Types].xml": "<Types/>"}), "content"),
        (
            "plan.docx",
            package(
                {
                    "[Content_Types].xml": "<Types/>",
                    "word/document.xml": "<w:document/>",
                    "word/vbaProject.bin": "macros",
                }
            ),
            "content",
        ),
        ("plan.odt", package({"mimetype": "text/html"}), "content"),
        ("photo.png", image_bytes("JPEG"), "content"),  # a JPEG is not the PNG it claims to be
        ("page.html", HTML, "extension"),
        ("drawing.svg", SVG, "extension"),
        ("script.js", b"alert(1)", "extension"),
        ("tool.exe", b"MZ\x90\x00", "extension"),
        ("lesson", small_pdf(), "extension"),
    ],
)
def test_unsafe_files_are_rejected(name, data, code):
    with pytest.raises(ValidationError) as caught:
        validate_document(upload(name, data))
    assert caught.value.code == code


def test_a_file_over_the_size_cap_is_rejected(settings):
    settings.EDUCATION_MAX_DOCUMENT_SIZE = 1024
    with pytest.raises(ValidationError) as caught:
        validate_document(upload("big.pdf", small_pdf() + b"\0" * 2048))
    assert caught.value.code == "too_big"


def test_rejection_is_explained_in_the_editors_language():
    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        validate_document(upload("lesson.pdf", HTML))
    assert "PDF" in caught.value.messages[0]
    assert "не" in caught.value.messages[0]  # Russian text, not the English source


def stored_document(name, data, title="Stored"):
    document = Document(title=title)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def test_a_material_cannot_carry_an_unsafe_document(library):
    bad = stored_document("lesson.pdf", HTML, title="Renamed HTML")
    item = ResourceFile(page=library.resources.spots, language="ru", document=bad)
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "document" in caught.value.message_dict


def test_lesson_plan_downloads_as_an_attachment(client, library):
    html = client.get("/en/schools/forest/").content.decode()
    url = re.search(r'<a href="([^"]+)" download hreflang="en">', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="forest-en.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("name", "data"),
    [("lesson.pdf", HTML), ("drawing.png", SVG), ("drawing.svg", SVG), ("page.html", HTML)],
)
def test_html_and_svg_are_never_served_even_if_stored(client, db, name, data):
    document = stored_document(name, data)
    response = client.get(document.url)
    assert response.status_code == 403
    assert b"<script" not in response.content
    assert response["Content-Type"].startswith("text/plain")


def test_other_kinds_the_site_allows_are_served_only_as_downloads(client, db):
    document = stored_document("figures.csv", b"month,count\n1,3\n")
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.fixture
def admin_client(client, django_user_model, settings):
    settings.WAGTAILDOCS_DOCUMENT_FORM_BASE = "education.forms.SafeDocumentForm"
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return client


def test_admin_upload_form_refuses_a_renamed_html_file(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": "Trap", "file": upload("lesson.pdf", HTML), "collection": 1},
    )
    assert response.status_code == 200
    assert not Document.objects.filter(title="Trap").exists()
    # The admin speaks the default language, Russian.
    assert "не является настоящим файлом PDF" in response.content.decode()


def test_admin_upload_form_accepts_a_real_pdf(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": "Real plan", "file": upload("plan.pdf", small_pdf()), "collection": 1},
    )
    assert response.status_code == 302
    assert Document.objects.filter(title="Real plan").exists()


def test_admin_multiple_upload_refuses_an_svg_named_png(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": upload("drawing.png", SVG), "collection": 1},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert Document.objects.count() == 0


def test_safe_document_form_is_wagtails_form_with_our_check():
    from wagtail.documents.forms import BaseDocumentForm

    assert issubclass(SafeDocumentForm, BaseDocumentForm)
