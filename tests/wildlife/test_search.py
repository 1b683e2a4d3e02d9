"""Published sightings are found by the site search, and only what is public goes into it."""

import pytest
from django.utils import translation

from search.services import search
from wildlife import services

from .test_publishing import approve


@pytest.fixture
def published(grace_highlight, leopard_tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        highlight = approve(grace_highlight, leopard_tree.grace)
    return highlight.published


def test_a_published_sighting_is_found_by_its_story(published):
    results = search("stream", "en")
    with translation.override("en"):
        leopard_url = published.leopard.get_url()
    assert [(hit.title, hit.url) for hit in results.hits] == [("Grace by the stream", leopard_url)]


def test_the_index_holds_nothing_private_of_a_sighting(published):
    deployment = published.highlight.media.deployment
    for language in ("ru", "en", "zh-hans"):
        with translation.override(language):
            documents = services.sighting_search_documents(published)
        for document in documents:
            text = f"{document.title} {document.body} {document.url}"
            assert f"{deployment.latitude:.2f}" not in text
            assert deployment.deployment_id not in text
            assert (deployment.location_name or "\\0") not in text


def test_a_sighting_of_an_unpublished_leopard_leaves_the_search(published):
    published.leopard.unpublish()
    published.refresh_from_db()
    assert services.sighting_search_documents(published) == []
