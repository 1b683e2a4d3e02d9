"""What a teaching file may be: PDF, ODT, DOCX, PPTX or a PNG/JPEG image, and not too big.

The extension alone proves nothing: an HTML page or an SVG with a script renamed to
"lesson.pdf" would otherwise reach a visitor's browser from our own domain. So the content is
checked too (the magic bytes, the OpenDocument mimetype entry, the OOXML part names, Pillow for
images), and anything else is refused when it is uploaded and again when it is served.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from education import conf


@dataclass(frozen=True)
class DocumentKind:
    extension: str
    content_type: str


KINDS = {
    "pdf": DocumentKind("pdf", "application/pdf"),
    "odt": DocumentKind("odt", "application/vnd.oasis.opendocument.text"),
    "docx": DocumentKind(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "pptx": DocumentKind(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    "png": DocumentKind("png", "image/png"),
    "jpg": DocumentKind("jpg", "image/jpeg"),
    "jpeg": DocumentKind("jpeg", "image/jpeg"),
}
ALLOWED_EXTENSIONS = tuple(KINDS)

# Other kinds the site's settings let staff upload elsewhere (a campaign report's spreadsheet):
# not accepted as teaching files, but still served, as downloads only.
SERVED_KINDS = {
    **KINDS,
    "xlsx": DocumentKind(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "csv": DocumentKind("csv", "text/csv"),
    "txt": DocumentKind("txt", "text/plain"),
}

# The part each OOXML kind must contain; macros (vbaProject.bin) are never accepted.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
}


def extension_of(name):
    return PurePosixPath(name or "").suffix.lower().lstrip(".")


def _read_head(file):
    """Up to one byte more than the size cap, leaving the file as it was found."""
    opened_here = bool(getattr(file, "closed", False) and hasattr(file, "open"))
    if opened_here:
        file.open("rb")
    try:
        file.seek(0)
        data = file.read(conf.max_document_size() + 1)
        file.seek(0)
    finally:
        if opened_here:
            file.close()
    return data


def content_matches(extension, data):
    """True when the bytes are really a file of the kind the extension claims."""
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n") and _pillow_accepts(data, "PNG")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff") and _pillow_accepts(data, "JPEG")
    if extension in ("odt", "docx", "pptx", "xlsx"):
        return data.startswith(b"PK\x03\x04") and _package_matches(extension, data)
    # Plain text is only ever sent as a text/plain or text/csv attachment with nosniff.
    return extension in ("csv", "txt")


def _pillow_accepts(data, expected_format):
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format == expected_format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def _package_matches(extension, data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            if extension == "odt":
                return "mimetype" in names and package.read("mimetype").strip() == KINDS[
                    "odt"
                ].content_type.encode("ascii")
            return "[Content_Types].xml" in names and OOXML_MAIN_PART[extension] in names
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def validate_document(file, field=None):
    """Raises ValidationError (in the active language) unless `file` is a safe teaching file."""

    def fail(message, code, params=None):
        error = ValidationError(message, code=code, params=params)
        raise ValidationError({field: error}) if field else error

    if not file:
        fail(_("Choose a file to upload."), "required")
    extension = extension_of(getattr(file, "name", ""))
    if extension not in KINDS:
        fail(
            _(
                "Files of type “%(extension)s” are not accepted. Upload PDF, ODT, DOCX, PPTX, PNG or JPEG."
            ),
            "extension",
            {"extension": extension or "?"},
        )
    data = _read_head(file)
    size = max(getattr(file, "size", None) or 0, len(data))
    if size > conf.max_document_size():
        fail(
            _("This file is too big (%(size)s). The largest accepted is %(limit)s."),
            "too_big",
            {"size": filesizeformat(size), "limit": filesizeformat(conf.max_document_size())},
        )
    if not content_matches(extension, data):
        fail(
            _("The content of this file is not a real %(kind)s file, so it cannot be published."),
            "content",
            {"kind": extension.upper()},
        )
    return KINDS[extension]


def document_kind(document):
    return SERVED_KINDS.get(extension_of(document.file.name))


def read_safe_document(document):
    """For serving: (kind, bytes) of a stored Wagtail document whose content matches its type,
    or None. The whole file is read once: checked, then sent from the same bytes."""
    kind = document_kind(document)
    if kind is None:
        return None
    try:
        with document.file.open("rb") as handle:
            data = handle.read(conf.max_document_size() + 1)
    except (OSError, ValueError):
        return None
    if len(data) > conf.max_document_size() or not content_matches(kind.extension, data):
        return None
    return kind, data
