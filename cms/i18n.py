"""Language helpers shared by templates and domain apps."""

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname


def fallback_chain(language=None):
    """The active language, then its declared fallbacks (settings.LANGUAGE_FALLBACKS)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return [language, *settings.LANGUAGE_FALLBACKS.get(language, ())]


def _has_value(value):
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    try:
        return len(value) > 0
    except TypeError:
        return True


def fallback_language(obj, field_name, language=None):
    """The language a translated field's shown value comes from, if not the active one.

    Returns None when the field has a value in the active language (or is not translated).
    """
    chain = fallback_chain(language)
    if not hasattr(obj, build_localized_fieldname(field_name, chain[0])):
        return None
    for code in chain:
        if _has_value(getattr(obj, build_localized_fieldname(field_name, code), None)):
            return None if code == chain[0] else code
    return None
