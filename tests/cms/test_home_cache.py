"""The home page's short-lived cache for anonymous visitors, and what replaces it at once."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

import live
from cms.models import FooterSettings
from tests.pages import add_story


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def live_cursor(html):
    return re.search(r'data-live-since="(\d+)"', html).group(1)


@pytest.fixture(autouse=True)
def visited_once(client, site_tree):
    """The site's first visit ever creates its settings rows, which starts a new generation."""
    get(client, "/ru/")


def test_a_second_visit_is_served_from_the_cache(client, site_tree):
    first, first_queries = get(client, "/en/")
    second, second_queries = get(client, "/en/")
    assert second == first
    # Routing the request still reads the site and the page; the sections read nothing.
    assert second_queries <= 5 < first_queries


def test_each_language_has_its_own_copy(client, site_tree):
    pages = {language: get(client, f"/{language}/")[0] for language in ("ru", "en", "zh-hans")}
    for language, html in pages.items():
        assert f'<html lang="{language}">' in html
        assert get(client, f"/{language}/")[0] == html


def test_publishing_a_page_replaces_the_copy(client, site_tree):
    get(client, "/en/")
    add_story(site_tree.stories, 99)
    html, queries = get(client, "/en/")
    assert "Story 99" in html
    assert queries > 5


def test_a_live_event_replaces_the_copy(client, site_tree):
    before = live_cursor(get(client, "/en/")[0])
    event = live.publish("feed", "test.ping", {"n": 1})
    after = live_cursor(get(client, "/en/")[0])
    assert before != after == str(event.id)


def test_a_saved_site_setting_replaces_the_copy(client, site_tree):
    get(client, "/en/")
    footer = FooterSettings.for_site(Site.objects.get(is_default_site=True))
    footer.phone = "+7 423 000-00-99"
    footer.save()
    assert "+7 423 000-00-99" in get(client, "/en/")[0]


def test_signed_in_staff_never_share_a_copy(client, site_tree):
    anonymous = get(client, "/en/")[0]
    staff = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-123456")
    client.force_login(staff)
    signed_in = get(client, "/en/")[0]
    assert "wagtail-userbar" in signed_in and "wagtail-userbar" not in anonymous
    client.logout()
    assert "wagtail-userbar" not in get(client, "/en/")[0]


def test_query_strings_are_not_cached(client, site_tree):
    get(client, "/en/?utm_source=x")
    assert get(client, "/en/?utm_source=x")[1] > 5


def test_the_cache_can_be_turned_off(client, site_tree, settings):
    settings.HOME_PAGE_CACHE_SECONDS = 0
    get(client, "/en/")
    assert get(client, "/en/")[1] > 5


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_gets_a_fresh_page(client, site_tree, cookie):
    get(client, "/en/")
    client.cookies[cookie] = "something"
    assert get(client, "/en/")[1] > 5
