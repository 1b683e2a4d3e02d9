"""The home page in Chromium shows sightings published by another process, without a reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.live.conftest import publish_sighting as publish_sighting_here
from tests.pages import build_site_tree

pytestmark = pytest.mark.redis


def publish_sighting(**kwargs):
    """Publishes from a thread of its own: Playwright's event loop runs in the test's thread."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def publish():
        try:
            return publish_sighting_here(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(publish).result(timeout=30)


@pytest.fixture
def home(browser_page, asgi_server_factory, redis_layer):
    """The site and one sighting, on a server; after browser_page, which allows the ORM here."""
    build_site_tree()
    publish_sighting_here(leopard_id=12, sighting_id=900)
    return asgi_server_factory(REDIS_URL=redis_layer.url)


def test_a_sighting_appears_on_the_open_home_page_and_is_announced(home, browser_page):
    browser_page.goto(f"{home.url}/en/")
    feed = browser_page.locator("ol.sighting-feed")
    expect(feed.locator("li.sighting-card")).to_have_count(1)
    expect(browser_page.locator("html")).to_have_attribute("data-live", "websocket")

    publish_sighting(leopard_id=14, code="Leo 80M", sighting_id=901)

    newest = feed.locator("li.sighting-card").first
    expect(newest).to_contain_text("Grace (Leo 80M) seen again #901")
    expect(newest).to_contain_text("Southern sector")
    expect(newest.locator("a")).to_have_attribute("href", re.compile(r"/en/leopards/leo-80m/$"))
    expect(newest.locator("img")).to_have_attribute("alt", "Grace (Leo 80M)")
    expect(newest.locator("time")).to_have_attribute("datetime", "2026-03")
    expect(feed.locator("li.sighting-card")).to_have_count(2)
    announcer = browser_page.locator(".live-announcer[aria-live=polite]")
    expect(announcer).to_have_text("New sighting: Grace (Leo 80M) seen again #901")


def test_event_data_is_text_never_markup(home, browser_page):
    browser_page.goto(f"{home.url}/ru/")
    expect(browser_page.locator("html")).to_have_attribute("data-live", "websocket")
    hostile = '<img src=x onerror="document.title=1">'
    publish_sighting(
        leopard_id=12, sighting_id=902, names={"ru": hostile, "en": hostile, "zh-hans": hostile}
    )
    newest = browser_page.locator("ol.sighting-feed li.sighting-card").first
    expect(newest).to_contain_text("<img src=x")
    expect(newest.locator("img[src=x]")).to_have_count(0)
    assert browser_page.title() != "1"


def test_without_websockets_the_page_polls_and_still_updates(home, browser_page, settings):
    # Every WebSocket is refused, as behind a proxy that does not pass them.
    browser_page.route_web_socket(re.compile(r"/ws/live/"), lambda ws: ws.close(code=1006))
    browser_page.goto(f"{home.url}/zh-hans/")
    expect(browser_page.locator("html")).to_have_attribute("data-live", "polling")
    publish_sighting(leopard_id=12, sighting_id=903)
    newest = browser_page.locator("ol.sighting-feed li.sighting-card").first
    expect(newest).to_contain_text("格蕾丝（Leo 45F）再次出现 #903", timeout=20_000)
