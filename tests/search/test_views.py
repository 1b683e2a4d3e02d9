"""The search page and the autocomplete endpoint, as a visitor's browser asks for them."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.search.conftest import story, story_label

BAD_PARAMS = [
    {},
    {"q": ""},
    {"q": '"*:&|!()'},
    {"q": "леопард", "page": "-3"},
    {"q": "леопард", "page": "abc"},
    {"q": "леопард", "page": "9" * 50},
    {"q": "леопард", "page": "999"},
    {"q": "леопард", "type": ["<script>", "cms.storypage", ""]},
    {"q": "x" * 10000},
    {"q": "леопард leopard 东北豹 🐆"},
    {"q": "\x1f\x7f"},
]


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_the_search_page_lives_under_each_language_prefix(language):
    with translation.override(language):
        assert reverse("search:search") == f"/{language}/search/"
        assert reverse("search:suggest") == f"/{language}/search/suggest/"


def test_results_show_facets_highlighted_snippets_and_are_not_indexed_by_robots(client, corpus):
    response = client.get("/ru/search/", {"q": "леопардов"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<mark>леопардов</mark>" in html
    assert 'href="/ru/novosti/istoriya-11/"' in html
    assert (
        'href="/ru/search/?q=%D0%BB%D0%B5%D0%BE%D0%BF%D0%B0%D1%80%D0%B4%D0%BE%D0%B2&amp;type=cms.storypage"'
        in html
    )
    assert 'value="леопардов"' in html


def test_chinese_search_page(client, corpus):
    response = client.get("/zh-hans/search/", {"q": "东北豹"})
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<mark>东北豹</mark>" in html
    assert "调查结果" in html


def test_an_empty_query_shows_the_form_and_no_verdict(client, corpus):
    html = client.get("/en/search/").content.decode()
    assert 'name="q"' in html
    assert "Nothing found" not in html
    assert "Type a word or two" in html


def test_nothing_found_says_so_and_offers_other_languages(client, corpus):
    response = client.get("/en/search/", {"q": "тайге"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing found for “тайге”" in html
    assert 'href="/ru/search/?q=%D1%82%D0%B0%D0%B9%D0%B3%D0%B5"' in html
    assert "Check the spelling" in html


def test_nothing_found_in_one_type_links_to_all_types(client, corpus):
    html = client.get("/en/search/", {"q": "forest", "type": "cms.homepage"}).content.decode()
    assert "Nothing found" in html
    assert "There are 2 results of other types." in html
    assert 'href="/en/search/?q=forest">Show all types</a>' in html


def test_a_misspelt_query_offers_a_correction(client, corpus):
    html = client.get("/ru/search/", {"q": "леопрада"}).content.decode()
    assert (
        'href="/ru/search/?q=%D0%BB%D0%B5%D0%BE%D0%BF%D0%B0%D1%80%D0%B4%D0%B0">леопарда</a>' in html
    )


def test_everything_the_index_holds_is_escaped_but_our_marks(client, corpus, publishing):
    with publishing():
        story(
            corpus.stories,
            70,
            ("<b>Леопард</b> & <i>тигр</i>", "Leopard", "豹"),
            ('<img src=x onerror=alert(1)> леопард "в" тайге', "Leopard.", "豹。"),
        )
    page = client.get("/ru/search/", {"q": "тигр"}).content.decode()
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "&lt;b&gt;Леопард&lt;/b&gt; &amp; &lt;i&gt;<mark>тигр</mark>&lt;/i&gt;" in main
    assert "леопард &quot;в&quot; тайге" in main  # rich text: its markup is dropped, not shown
    for tag in ("<b>", "<i>", "<img", "<script"):
        assert tag not in main


def test_the_query_is_escaped_wherever_it_is_shown(client, corpus):
    page = client.get("/ru/search/", {"q": '<script>alert("x")</script>'}).content.decode()
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<script>alert" not in page
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in main
    assert "«&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;»" in main


def test_pagination_keeps_the_query_and_the_types(client, corpus, publishing):
    with publishing():
        for number in range(30, 45):
            story(
                corpus.stories,
                number,
                (f"Патруль {number}", f"Patrol {number}", f"巡护 {number}"),
                ("Инспекторы в патруле.", "Rangers on patrol.", "巡护员巡逻。"),
            )
    html = client.get("/en/search/", {"q": "patrol", "type": "cms.storypage"}).content.decode()
    assert "1–10 of 15 results for “patrol”" in html
    assert 'rel="next" href="/en/search/?q=patrol&amp;type=cms.storypage&amp;page=2"' in html
    second = client.get("/en/search/", {"q": "patrol", "type": "cms.storypage", "page": 2})
    assert (
        'rel="prev" href="/en/search/?q=patrol&amp;type=cms.storypage"' in second.content.decode()
    )
    assert '<ol class="search-results__list" start="11">' in second.content.decode()


@pytest.mark.parametrize("params", BAD_PARAMS)
def test_bad_input_never_breaks_the_page(client, corpus, params):
    response = client.get("/ru/search/", params)
    assert response.status_code == 200
    suggest = client.get("/ru/search/suggest/", params)
    assert suggest.status_code == 200
    assert isinstance(suggest.json()["suggestions"], list)


@pytest.mark.parametrize("path", ["/en/search/", "/en/search/suggest/"])
def test_a_nul_byte_in_the_query_is_refused_in_the_visitors_language(client, corpus, path):
    # PostgreSQL cannot hold NUL in text: the portal refuses it before any query runs.
    response = client.get(path, {"q": "zqxv\x00wk"})
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "en"
    assert "zqxv" not in response.content.decode()


def test_only_get_is_allowed(client, corpus):
    assert client.post("/ru/search/", {"q": "леопард"}).status_code == 405


def test_autocomplete_answers_json_in_the_visitors_language(client, corpus):
    response = client.get("/ru/search/suggest/", {"q": "тро"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "query": "тро",
        "suggestions": [
            {
                "title": "Тропа леопарда",
                "url": "/ru/novosti/istoriya-10/",
                "type": "cms.storypage",
                "type_label": story_label("ru"),
            }
        ],
    }
    assert client.get("/ru/search/suggest/").json()["suggestions"] == []


def test_the_search_page_makes_a_bounded_number_of_queries(
    client, corpus, django_assert_max_num_queries
):
    client.get("/ru/search/", {"q": "леопард"})  # warm the site and menu caches
    with django_assert_max_num_queries(12):
        assert client.get("/ru/search/", {"q": "леопард"}).status_code == 200


def test_wagtails_admin_search_keeps_working(client, corpus, django_user_model):
    admin = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/pages/search/", {"q": "Тропа"})
    assert response.status_code == 200
    assert "Тропа леопарда" in response.content.decode()
