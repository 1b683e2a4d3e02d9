"""A visitor switches languages on a real page, in Chromium, against the ASGI server."""

from tests.pages import build_site_tree


def test_visitor_switches_languages_and_stays_on_the_same_story(live_db, asgi_server, browser_page):
    site = build_site_tree()
    page = browser_page

    page.goto(f"{asgi_server.url}/ru/novosti/istoriya-1/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == site.story.title_ru

    page.get_by_role("navigation", name="Язык").get_by_role("link", name="English").click()
    page.wait_for_url(f"{asgi_server.url}/en/stories/story-1/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == site.story.title_en

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    page.wait_for_url(f"{asgi_server.url}/zh-hans/gushi/gushi-1/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == site.story.title_zh_hans
    assert page.get_by_role("navigation", name="语言").is_visible()
