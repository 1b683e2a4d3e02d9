"""What every page carries: navigation and footer per language, error pages, no outside resources."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

from cms.models import FooterSettings, NavigationLink, NavigationSettings
from cms.views import server_error


@pytest.fixture
def navigation(site_tree):
    settings = NavigationSettings.for_site(site_tree.home.get_site())
    NavigationLink.objects.create(
        settings=settings,
        page=site_tree.about,
        sort_order=0,
        label_ru="Парк",
        label_en="The park",
        label_zh_hans="",
    )
    NavigationLink.objects.create(settings=settings, page=site_tree.stories, sort_order=1)
    return settings


def menu(html):
    nav = html[
        html.index('class="main-nav"') : html.index("</nav>", html.index('class="main-nav"'))
    ]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_menu_labels_are_edited_per_language(client, navigation):
    assert menu(client.get("/ru/").content.decode()) == [
        ("/ru/o-parke/", "Парк"),
        ("/ru/novosti/", "Новости"),
    ]
    assert menu(client.get("/en/").content.decode()) == [
        ("/en/about/", "The park"),
        ("/en/stories/", "Stories"),
    ]
    # No Chinese label: the page's Chinese title stands in.
    assert menu(client.get("/zh-hans/").content.decode()) == [
        ("/zh-hans/guanyu/", "关于公园"),
        ("/zh-hans/gushi/", "新闻"),
    ]


def test_menu_marks_the_section_the_visitor_is_in(client, navigation):
    html = client.get("/en/stories/story-1/").content.decode()
    assert '<a href="/en/stories/" aria-current="page">Stories</a>' in html
    assert '<a href="/en/about/">The park</a>' in html


def test_footer_is_edited_per_language(client, site_tree):
    footer = FooterSettings.for_site(site_tree.home.get_site())
    footer.address_ru, footer.address_en, footer.address_zh_hans = "Барабаш", "Barabash", ""
    footer.save()
    assert "<address>Barabash</address>" in client.get("/en/").content.decode()
    assert "<address>Барабаш</address>" in client.get("/ru/").content.decode()
    assert '<address lang="en">Barabash</address>' in client.get("/zh-hans/").content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Что-то пошло не так"), ("en", "Something went wrong"), ("zh-hans", "出错了")],
)
def test_server_error_page_is_in_the_visitors_language(language, heading):
    with translation.override(language):
        response = server_error(RequestFactory().get(f"/{language}/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize("url", ["/ru/", "/en/about/", "/zh-hans/gushi/gushi-1/", "/en/stories/"])
def test_pages_load_nothing_from_other_sites(client, site_tree, url):
    html = client.get(url).content.decode()
    sources = re.findall(r'(?:src|href|srcset)="([^"]+)"', html)
    outside = [s for s in sources if re.match(r"(https?:)?//", s) and "testserver" not in s]
    assert outside == []


def test_pages_have_landmarks_and_a_skip_link(client, site_tree):
    html = client.get("/en/about/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1


def test_language_switcher_keeps_the_filters(client, site_tree):
    html = client.get("/en/stories/?tag=tigers&page=1").content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    assert 'href="/ru/novosti/?tag=tigers&amp;page=1"' in switcher
    assert 'href="/zh-hans/gushi/?tag=tigers&amp;page=1"' in switcher
