"""What the site search indexes: pages, and the public records that domains register.

search knows nothing of domains. Pages declare their searchable fields with Wagtail's
`search_fields`; any other model registers itself in its app's `ready()`:

    import search

    search.register(
        Sighting,
        documents=sighting_documents,                  # instance -> iterable of search.Document
        queryset=lambda: Sighting.objects.published(), # what a rebuild indexes
        label=_("sighting"),
    )

`documents(instance)` returns one `search.Document` per language it has text in, and nothing
when the record is not public (a draft, unvetted, embargoed): the index then drops it. Saving and
deleting a registered model's rows updates the index through a task.
"""

import datetime
from dataclasses import dataclass, replace

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

PAGE_SOURCE = "page"


@dataclass(frozen=True)
class Document:
    """What the search shows and matches for one record in one language.

    Only public text belongs here: everything in a Document can appear in a result.
    """

    language: str
    title: str
    url: str
    body: str = ""
    # The facet a result is counted under; defaults to the registered model's label.
    type: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class Registration:
    model: type
    documents: object
    queryset: object
    label: object

    @property
    def source(self):
        return self.model._meta.label_lower


_registrations = {}


def register(model, *, documents, queryset=None, label=None):
    """Index `model`'s public rows: `documents(instance)` gives their Documents per language.

    `queryset()` gives the rows a rebuild reads (default: all of them; `documents` still
    decides what is public). `label` names the facet (default: the model's verbose name).
    """
    registration = Registration(
        model=model,
        documents=documents,
        queryset=queryset or model._default_manager.all,
        label=label or model._meta.verbose_name,
    )
    _registrations[registration.source] = registration
    uid = f"search:{registration.source}"
    post_save.connect(_on_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_on_deleted, sender=model, dispatch_uid=uid, weak=False)
    return registration


def unregister(model):
    source = model._meta.label_lower
    _registrations.pop(source, None)
    uid = f"search:{source}"
    post_save.disconnect(sender=model, dispatch_uid=uid)
    post_delete.disconnect(sender=model, dispatch_uid=uid)


def registrations():
    return dict(_registrations)


def _on_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading fixtures: a rebuild follows
        return
    from search.tasks import index_object

    enqueue_on_commit(index_object, sender._meta.label_lower, str(instance.pk))


def _on_deleted(sender, instance, **kwargs):
    from search.tasks import remove_object

    enqueue_on_commit(remove_object, sender._meta.label_lower, str(instance.pk))


def enqueue_on_commit(task, *args):
    """Queue `task` once the change is committed, so the worker reads what was saved."""
    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


# Reading documents ---------------------------------------------------------------------------


def languages():
    return [code for code, _name in settings.LANGUAGES]


def documents_for(source, object_id):
    """The Documents a record has now: none when it is gone or not public."""
    if source == PAGE_SOURCE:
        from search.pages import page_documents, public_page

        page = public_page(object_id)
        return page_documents(page) if page else []
    registration = _registrations.get(source)
    if registration is None:
        return []
    instance = registration.queryset().filter(pk=object_id).first()
    if instance is None:
        return []
    return with_type(registration, registration.documents(instance))


def with_type(registration, documents):
    known = set(languages())
    return [
        document if document.type else replace(document, type=registration.source)
        for document in documents
        if document.language in known and document.title.strip()
    ]


def all_sources():
    """(source, count, iterator of (object_id, documents)) for everything a rebuild indexes."""
    from search.pages import all_page_documents, public_pages

    yield PAGE_SOURCE, public_pages().count(), all_page_documents()
    for source, registration in registrations().items():
        queryset = registration.queryset()
        yield (
            source,
            queryset.count(),
            (
                (str(instance.pk), with_type(registration, registration.documents(instance)))
                for instance in queryset.iterator(chunk_size=500)
            ),
        )


def type_label(type_):
    """The visitor's name for a facet: a registered label or the model's verbose name."""
    registration = _registrations.get(type_)
    if registration is not None:
        return registration.label
    try:
        model = apps.get_model(type_)
    except (LookupError, ValueError):
        return type_
    return model._meta.verbose_name


def known_types():
    """Every type a result can have: each page type, and each registered model."""
    from wagtail.models import get_page_models

    return {model._meta.label_lower for model in get_page_models()} | set(_registrations)
