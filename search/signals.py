"""Wagtail's page events → index tasks, queued once the change is committed."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from search.registry import PAGE_SOURCE, enqueue_on_commit


def page_changed(sender, instance, **kwargs):
    from search.tasks import index_object

    enqueue_on_commit(index_object, PAGE_SOURCE, str(instance.pk))


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        from search.tasks import remove_object

        enqueue_on_commit(remove_object, PAGE_SOURCE, str(instance.pk))


def page_tree_changed(sender, instance, **kwargs):
    """The URLs (a move, a new slug) or visibility (a view restriction) of a subtree changed."""
    from search.tasks import index_page_tree

    page_id = instance.page_id if isinstance(instance, PageViewRestriction) else instance.pk
    enqueue_on_commit(index_page_tree, page_id)


def connect():
    page_published.connect(page_changed, dispatch_uid="search:page_published")
    page_unpublished.connect(page_changed, dispatch_uid="search:page_unpublished")
    post_delete.connect(page_deleted, dispatch_uid="search:page_deleted")
    page_slug_changed.connect(page_tree_changed, dispatch_uid="search:page_slug_changed")
    post_page_move.connect(page_tree_changed, dispatch_uid="search:post_page_move")
    post_save.connect(
        page_tree_changed, sender=PageViewRestriction, dispatch_uid="search:restriction_saved"
    )
    post_delete.connect(
        page_tree_changed, sender=PageViewRestriction, dispatch_uid="search:restriction_deleted"
    )
