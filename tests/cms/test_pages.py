import re
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page

from cms.demo import ensure_image, paint_rosettes, tr, upsert_page
from cms.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from tests.pages import add_story

LANGUAGES = ["ru", "en", "zh-hans"]


def title_of(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("which", ["home", "about", "stories", "story"])
def test_every_page_type_renders_in_each_language(client, site_tree, language, which):
    page = getattr(site_tree, which)
    field = "title_" + language.replace("-", "_")
    with translation.override(language):
        url = Page.objects.get(pk=page.pk).specific.get_url()
    assert url.startswith(f"/{language}/")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert title_of(html) == getattr(page, field)


def test_pages_can_only_be_created_where_the_tree_allows(db):
    assert HomePage.can_create_at(Page.objects.get(depth=1))
    assert StandardPage.allowed_parent_page_models() == [HomePage, StandardPage]
    assert StoryIndexPage.allowed_parent_page_models() == [HomePage]
    assert StoryPage.allowed_parent_page_models() == [StoryIndexPage]
    assert StoryPage.allowed_subpage_models() == []
    assert StoryIndexPage.allowed_subpage_models() == [StoryPage]


def test_one_story_index_per_home_page(site_tree):
    assert not StoryIndexPage.can_create_at(site_tree.home)
    assert StandardPage.can_create_at(site_tree.home)
    assert not StoryPage.can_create_at(site_tree.home)


def test_missing_translation_falls_back_and_is_marked_with_its_language(client, site_tree):
    upsert_page(
        site_tree.home,
        StandardPage,
        **tr("slug", "tolko-ru-en", "only-ru-en", "jin-e-ying"),
        **tr("title", "Только по-русски и по-английски", "Russian and English only", ""),
        **tr("intro", "Вступление", "An introduction", ""),
    )
    html = client.get("/zh-hans/jin-e-ying/").content.decode()
    # zh-hans falls back to English first (settings.LANGUAGE_FALLBACKS), marked as English.
    assert '<h1 lang="en">Russian and English only</h1>' in html
    assert '<p class="lead" lang="en">An introduction</p>' in html
    english = client.get("/en/only-ru-en/").content.decode()
    assert "<h1>Russian and English only</h1>" in english


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Страница не найдена"), ("en", "Page not found"), ("zh-hans", "页面未找到")],
)
def test_unknown_slug_gives_a_404_page_in_the_visitors_language(
    client, site_tree, language, heading
):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize(
    ("accept", "language", "heading"),
    [("zh-CN,zh;q=0.9", "zh-hans", "页面未找到"), ("en-GB,en", "en", "Page not found")],
)
def test_unknown_language_prefix_gives_a_404_in_the_visitors_language(
    client, site_tree, accept, language, heading
):
    response = client.get("/xx/something/", HTTP_ACCEPT_LANGUAGE=accept, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en-US,en;q=0.8", "/en/"), ("zh-CN", "/zh-hans/"), ("de-DE", "/ru/"), ("ru", "/ru/")],
)
def test_root_redirects_by_accept_language(client, site_tree, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_language_switcher_lands_on_the_translated_page(client, site_tree):
    html = client.get("/en/stories/story-1/").content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    by_language = {
        language: url
        for url, language in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', switcher)
    }
    assert by_language == {
        "ru": "/ru/novosti/istoriya-1/",
        "en": "/en/stories/story-1/",
        "zh-hans": "/zh-hans/gushi/gushi-1/",
    }
    chinese = client.get(by_language["zh-hans"])
    assert chinese.status_code == 200
    assert title_of(chinese.content.decode()) == site_tree.story.title_zh_hans


def test_pages_declare_their_alternates_with_hreflang(client, site_tree):
    html = client.get("/ru/o-parke/").content.decode()
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    assert alternates == [
        ("ru", "http://testserver/ru/o-parke/"),
        ("en", "http://testserver/en/about/"),
        ("zh-hans", "http://testserver/zh-hans/guanyu/"),
    ]


def test_sitemap_index_points_to_one_sitemap_per_language(client, site_tree):
    xml = client.get("/sitemap.xml").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", xml) == [
        "http://testserver/ru/sitemap.xml",
        "http://testserver/en/sitemap.xml",
        "http://testserver/zh-hans/sitemap.xml",
    ]


@pytest.mark.parametrize(
    ("language", "about"), [("en", "/en/about/"), ("zh-hans", "/zh-hans/guanyu/")]
)
def test_language_sitemap_lists_pages_in_that_language_with_alternates(
    client, site_tree, language, about
):
    xml = client.get(f"/{language}/sitemap.xml").content.decode()
    # Full URLs on the host the request came to, not the Wagtail site's "localhost".
    paths = [urlparse(location).path for location in re.findall(r"<loc>([^<]+)</loc>", xml)]
    assert about in paths
    assert all(path.startswith(f"/{language}/") for path in paths)
    alternates = re.findall(r'hreflang="([^"]+)" href="([^"]+)"', xml)
    assert ("ru", "http://testserver/ru/o-parke/") in alternates


def test_draft_pages_stay_out_of_the_sitemap(client, site_tree):
    site_tree.about.unpublish()
    xml = client.get("/en/sitemap.xml").content.decode()
    assert "/en/stories/" in xml
    assert "/en/about/" not in xml


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


PAGES_THAT_LIST_STORIES = ["/en/", "/en/stories/", "/en/stories/story-1/", "/zh-hans/gushi/"]


def test_query_count_does_not_grow_with_the_number_of_stories(site_tree, settings):
    settings.HOME_PAGE_CACHE_SECONDS = 0  # measure the home page's rendering, not its cache
    image, _ = ensure_image("Test coat", paint_rosettes, size=(320, 200), seed=7)
    for number in range(2, 11):
        add_story(site_tree.stories, number, lead_image=image)

    def count(url):
        client = Client()
        client.get(url)  # renditions made on a first visit are not what we measure
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with_ten = {url: count(url) for url in PAGES_THAT_LIST_STORIES}
    for number in range(11, 201):
        add_story(site_tree.stories, number, lead_image=image)
    assert StoryPage.objects.live().count() == 200
    assert {url: count(url) for url in PAGES_THAT_LIST_STORIES} == with_ten
