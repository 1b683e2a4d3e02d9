"""A leopard's page open in Chromium shows its new sighting, vetted and published in another
process, without a reload: wildlife's publish_sighting → live → WebSocket → the timeline."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import translation
from playwright.sync_api import expect

from tests.wildlife.conftest import (  # noqa: F401  (fixtures used by name)
    grace_highlight,
    imported,
    leopard_package,
    leopard_species,
    leopard_tree,
    park,
    sectors,
)
from tests.wildlife.test_publishing import approve

pytestmark = pytest.mark.redis


def in_a_thread(work):
    """Playwright's event loop runs in the test's thread: the ORM work goes to its own."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result(timeout=60)


@pytest.fixture
def server(browser_page, asgi_server_factory, redis_layer, grace_highlight):  # noqa: F811
    return asgi_server_factory(REDIS_URL=redis_layer.url)


def test_a_new_sighting_appears_on_the_open_leopard_page(
    server,
    browser_page,
    grace_highlight,  # noqa: F811
    leopard_tree,  # noqa: F811
):
    with translation.override("en"):
        url = leopard_tree.grace.get_url()
    browser_page.goto(f"{server.url}{url}")
    timeline = browser_page.locator("ol.sighting-timeline")
    expect(browser_page.locator("html")).to_have_attribute("data-live", "websocket")
    expect(timeline.locator("li")).to_have_count(0)

    in_a_thread(lambda: approve(grace_highlight, leopard_tree.grace))

    expect(timeline.locator("li")).to_have_count(1)
    expect(timeline.locator("li").first).to_contain_text("Grace by the stream")
    announcer = browser_page.locator(".live-announcer[aria-live=polite]")
    expect(announcer).to_contain_text("Grace by the stream")
