"""The site's chrome on every page: a header a person can use on a phone, landmarks, headings."""

import json

import pytest

MENU = {"ru": "Меню", "en": "Menu", "zh-hans": "菜单"}
PHONE_HEIGHT = 844

PAGE_URLS = """
import json
from django.utils import translation
from cms.models import StoryIndexPage
from wildlife.models import LeopardIndexPage
urls = {}
for code in ("ru", "en", "zh-hans"):
    with translation.override(code):
        leopards = LeopardIndexPage.objects.live().first()
        urls[code] = {
            "stories": StoryIndexPage.objects.live().first().localized.url,
            "leopards": leopards.localized.url,
            "sightings": leopards.localized.url + leopards.reverse_subpage("sightings"),
        }
print(json.dumps(urls))
"""


@pytest.fixture(scope="module")
def page_urls(journey_site):
    return journey_site.django_json(PAGE_URLS)


def axe_rules(journey, rules):
    """Runs chosen axe-core rules (best practices the WCAG tags leave out) on the page shown."""
    return journey.page.evaluate(
        """async rules => (await axe.run(document, {runOnly: {type: 'rule', values: rules}}))
            .violations.map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target)}))""",
        rules,
    )


def header_controls(journey):
    header = journey.page.locator("header.site-header")
    return [c for c in header.locator("a, input, button").all() if c.is_visible()]


def test_every_header_control_can_be_tapped_on_the_home_page(journey):
    journey.visit(f"/{journey.language}/")
    page = journey.page
    header = page.locator("header.site-header")
    if journey.phone:
        toggle = header.get_by_role("button", name=MENU[journey.language])
        assert toggle.get_attribute("aria-expanded") == "false"
        # Collapsed, the header leaves the screen to the page.
        assert header.bounding_box()["height"] <= PHONE_HEIGHT * 0.15
        assert not page.locator("nav.main-nav").is_visible()
        journey.tap(toggle)
        assert toggle.get_attribute("aria-expanded") == "true"
    controls = header_controls(journey)
    # The menu's links, the search box and its button, three languages, the brand.
    assert len(controls) >= 7
    for control in controls:
        journey.assert_reachable(control)
    if journey.phone:
        journey.tap(header.get_by_role("button", name=MENU[journey.language]))
        assert not page.locator("nav.main-nav").is_visible()


@pytest.mark.journey_languages("en")
@pytest.mark.journey_widths("phone")
def test_without_javascript_the_phone_menu_stays_reachable(journey, journey_browser):
    context = journey_browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto(journey.url + "/en/")
        nav = page.locator("nav.main-nav")
        assert nav.is_visible()
        assert nav.get_by_role("link").count() >= 3
        assert page.locator("#site-search-q").is_visible()
        assert not page.get_by_role("button", name="Menu").is_visible()
    finally:
        context.close()


@pytest.mark.journey_widths("desktop")
def test_landmarks_and_heading_order_on_lists(journey, page_urls):
    urls = page_urls[journey.language]
    journey.visit(f"/{journey.language}/")
    # The latest sightings are listed once on the home page.
    assert journey.page.locator('[data-live-kind="sighting.published"]').count() == 1
    # The demo notice sits in a landmark; headings do not skip levels.
    assert axe_rules(journey, ["region", "heading-order"]) == []
    for name in ("stories", "leopards", "sightings"):
        journey.visit(urls[name])
        assert axe_rules(journey, ["region", "heading-order"]) == [], name
    journey.visit(f"/{journey.language}/search/?q=leo")
    assert journey.page.locator("[role=search], search").count() == 1
    assert axe_rules(journey, ["region", "heading-order", "landmark-unique"]) == []


CONTRAST = """element => {
    const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => {
        const [r, g, b] = c.map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const header = element.closest('header');
    const ring = getComputedStyle(element);
    const a = lum(rgb(ring.outlineColor)), b = lum(rgb(getComputedStyle(header).backgroundColor));
    return {style: ring.outlineStyle, width: parseFloat(ring.outlineWidth),
            ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


@pytest.mark.journey_languages("en")
@pytest.mark.journey_widths("desktop")
def test_focus_ring_shows_on_the_header_green(journey):
    journey.visit("/en/")
    page = journey.page
    page.keyboard.press("Tab")  # the skip link
    for _ in range(3):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert focused.evaluate("e => !!e.closest('header.site-header')")
        ring = focused.evaluate(CONTRAST)
        assert ring["style"] != "none" and ring["width"] >= 2, json.dumps(ring)
        assert ring["ratio"] >= 3, json.dumps(ring)


SITE_MAP = {"ru": "Карта сайта", "en": "Site map", "zh-hans": "网站地图"}


@pytest.mark.journey_widths("phone")
def test_the_footers_site_map_is_a_page_a_person_can_read(journey, page_urls):
    journey.visit(f"/{journey.language}/")
    footer = journey.page.locator("footer.site-footer")
    journey.tap(footer.get_by_role("link", name=SITE_MAP[journey.language], exact=True))
    page = journey.page
    page.wait_for_url(f"{journey.url}/{journey.language}/site-map/")
    journey.check()  # nothing wider than the phone, no axe violation
    assert page.get_by_role("heading", level=1).inner_text() == SITE_MAP[journey.language]
    site_map = page.get_by_role("navigation", name=SITE_MAP[journey.language])
    links = site_map.get_by_role("link")
    assert links.count() >= 10
    assert site_map.locator(f'a[href="{page_urls[journey.language]["sightings"]}"]').count() == 1
    assert axe_rules(journey, ["region", "heading-order"]) == []
    meta = page.evaluate(
        """() => ({
            canonical: document.querySelector('link[rel=canonical]').href,
            image: document.querySelector('meta[property="og:image"]').content,
        })"""
    )
    assert meta["canonical"] == page.url
    assert meta["image"] == f"{journey.url}/static/img/share.jpg"
    assert page.request.get(meta["image"]).status == 200
