"""Index updates, run by django-tasks: at once in the embedded mode, by a worker in production.

Each task reads the record as it is now, so a late or repeated task never indexes stale text.
It reads before the engine writes: a rebuild that starts after the write has looked for a
running rebuild reads the record afresh, and one already running receives the write too
(search.engines.elasticsearch, "Writing").
"""

from django_tasks import task
from wagtail.models import Page

from search.engines import get_engine
from search.registry import PAGE_SOURCE, documents_for


@task()
def index_object(source, object_id):
    """Index a record's public documents now; a record that is no longer public leaves."""
    get_engine().replace(source, object_id, documents_for(source, object_id))


@task()
def remove_object(source, object_id):
    get_engine().remove(source, object_id)


@task()
def index_page_tree(page_id):
    """A page and everything below it: after a move, a slug change or a view restriction."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return
    engine = get_engine()
    for pk in Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True):
        engine.replace(PAGE_SOURCE, str(pk), documents_for(PAGE_SOURCE, str(pk)))
