"""Pages as search documents: every live, public page, in each language it is written in.

What a page type offers to search is what it declares in Wagtail's `search_fields`: its
`SearchField`s (and those inside `RelatedFields`). The title is the document's title; the other
fields make its body. A translated field (modeltranslation's `intro_en`, `body_zh_hans`) gives
each language its own value; a field that is not translated goes into every language.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone, translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from wagtail.models import Page
from wagtail.search import index

from search.registry import Document, languages


def public_pages():
    """Live pages nobody needs to sign in or give a password to see (site root excluded)."""
    return Page.objects.live().public().filter(depth__gt=1)


def public_page(page_id):
    return public_pages().filter(pk=page_id).specific().first()


def all_page_documents():
    for page in public_pages().order_by("path").specific().iterator(chunk_size=200):
        yield str(page.pk), page_documents(page)


def page_documents(page):
    """One Document per language the page has a title in."""
    page = page.specific if type(page) is Page else page
    fields = page.get_search_fields()
    when = _page_date(page)
    documents = []
    for language in languages():
        with translation.override(language):
            title = " ".join(_field_text(page, index.SearchField("title"), language))
            if not title.strip():
                continue  # not translated into this language: nothing of its own to find
            url = page.get_url()
            if not url:
                continue  # not under any site
            body = [
                text
                for field in fields
                if field.field_name != "title"
                for text in _field_text(page, field, language)
            ]
        documents.append(
            Document(
                language=language,
                title=title,
                url=url,
                body="\n".join(body),
                type=page._meta.label_lower,
                date=when,
            )
        )
    return documents


def _page_date(page):
    """The date the page is about (a story's date, an event's start), never when it was
    published: a result's date must not pass a publication month off as an event's."""
    for name in ("date", "start"):
        value = getattr(page, name, None)
        if isinstance(value, datetime.datetime):
            return timezone.localdate(value)
        if isinstance(value, datetime.date):
            return value
    return None


def _field_text(obj, field, language):
    if isinstance(field, index.RelatedFields):
        related = field.get_value(obj)
        if related is None:
            return []
        items = related.all() if hasattr(related, "all") else [related]
        return [
            text
            for item in items
            for inner in field.fields
            for text in _field_text(item, inner, language)
        ]
    if not isinstance(field, index.SearchField):
        return []  # filter and autocomplete fields hold nothing new to read
    if field.field_name in _translation_fields(type(obj)):
        # wagtail-modeltranslation adds a SearchField per language (title_en, body_zh_hans):
        # the original field stands for them all, read in its language below.
        return []
    localized = build_localized_fieldname(field.field_name, language)
    try:
        obj._meta.get_field(localized)
        name = localized
    except FieldDoesNotExist:
        name = field.field_name
    return _flatten(index.SearchField(name).get_value(obj))


def _translation_fields(model):
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return set()
    return {field.name for fields in options.all_fields.values() for field in fields}


def _flatten(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple | set):
        return [text for item in value for text in _flatten(item)]
    return [str(value)]
