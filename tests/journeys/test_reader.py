"""A reader on the phone menu, the language switcher, search, a leopard and a story."""

from urllib.parse import parse_qs, urlsplit

import pytest

MENU = {"ru": "Меню", "en": "Menu", "zh-hans": "菜单"}
LANGUAGE_NAV = {"ru": "Язык", "en": "Language", "zh-hans": "语言"}
# The start of a word, as a person types before pressing Enter (Russian in the Russian site).
PARTIAL = {"ru": "леопар", "en": "leopar", "zh-hans": "东北"}
OTHER = {"ru": "en", "en": "zh-hans", "zh-hans": "ru"}

READER_PAGES = """
import json
from django.utils import translation
from education.models import AgeBand, EducationIndexPage, Subject
from wildlife.models import LeopardIndexPage
age, subject = AgeBand.objects.order_by("min_age").first(), Subject.objects.first()
urls = {}
for code in ("ru", "en", "zh-hans"):
    with translation.override(code):
        leopards = LeopardIndexPage.objects.live().first().localized
        urls[code] = {
            "sightings": leopards.url + leopards.reverse_subpage("sightings"),
            "library": EducationIndexPage.objects.live().first().localized.url,
        }
urls["age"], urls["subject"] = age.slug, subject.slug
print(json.dumps(urls))
"""


@pytest.fixture(scope="module")
def reader_pages(journey_site):
    return journey_site.django_json(READER_PAGES)


def open_menu(journey):
    if journey.phone:
        toggle = journey.page.get_by_role("button", name=MENU[journey.language])
        journey.tap(toggle)
        assert toggle.get_attribute("aria-expanded") == "true"


def switch_language(journey, code):
    open_menu(journey)
    nav = journey.page.get_by_role("navigation", name=LANGUAGE_NAV[journey.language])
    journey.tap(nav.locator(f'a[hreflang="{code}"]'))
    assert journey.page.locator("html").get_attribute("lang") == code
    journey.language = code


def test_reader_menu_language_search_leopard_and_story(journey, reader_pages):
    page = journey.page
    start = journey.language
    other = OTHER[start]

    # A sub-page of a routable page keeps its place in the other language.
    journey.visit(reader_pages[start]["sightings"])
    switch_language(journey, other)
    assert urlsplit(page.url).path == reader_pages[other]["sightings"]
    switch_language(journey, start)

    # Filters in the query string survive the switch.
    query = f"?age={reader_pages['age']}&subject={reader_pages['subject']}"
    journey.visit(reader_pages[start]["library"] + query)
    switch_language(journey, other)
    url = urlsplit(page.url)
    assert url.path == reader_pages[other]["library"]
    assert parse_qs(url.query) == {
        "age": [reader_pages["age"]],
        "subject": [reader_pages["subject"]],
    }
    switch_language(journey, start)

    # Search, through the phone menu: the start of a Russian word, then Enter.
    journey.visit(f"/{start}/")
    open_menu(journey)
    box = page.locator("#site-search-q")
    journey.fill(box, PARTIAL[start])
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    journey._pending = True
    journey.check()
    results = page.locator(".search-result__title a")
    assert results.count() > 0, page.locator("main").inner_text()[:400]

    # A leopard's page from the results (or the leopards' list), then a story.
    leopard = page.locator('.search-result:has(.search-result__title a[href*="/"])').first
    journey.tap(leopard.locator("a").first)
    assert page.locator("h1").inner_text().strip()
    journey.visit(f"/{start}/")
    story = page.locator("#latest-stories ~ .card-grid .card__title a").first
    journey.tap(story)
    assert page.locator("article.story h1").inner_text().strip()
