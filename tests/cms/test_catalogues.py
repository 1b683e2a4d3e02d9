"""Every catalogue is complete, real, and compiled: a fresh install needs no gettext."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUES = sorted(
    po
    for locale_path in settings.LOCALE_PATHS
    for po in Path(locale_path).glob("*/LC_MESSAGES/django.po")
)


def test_the_site_catalogues_exist_for_both_languages():
    site = Path(settings.BASE_DIR) / "locale"
    assert (site / "ru/LC_MESSAGES/django.po") in CATALOGUES
    assert (site / "zh_Hans/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue_is_complete_and_compiled(po_path):
    catalogue = polib.pofile(str(po_path))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in compiled if e.msgid and not e.msgid_plural} == {
        e.msgid: e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural
    }


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_translations_are_not_english_copies(po_path):
    catalogue = polib.pofile(str(po_path))
    entries = [e for e in catalogue if e.msgid and len(e.msgid) > 12]
    copies = [e.msgid for e in entries if e.msgstr == e.msgid]
    assert len(copies) <= len(entries) // 10, copies


@pytest.mark.parametrize(
    ("language", "expected"), [("ru", "Земля леопарда"), ("zh-hans", "豹之乡")]
)
def test_compiled_translations_are_used(language, expected):
    with translation.override(language):
        assert translation.gettext("Land of the Leopard") == expected
