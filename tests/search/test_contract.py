"""What every search engine must do, run against each engine in tests/search/conftest.ENGINES."""

import pytest

from search import services
from search.engines.base import Engine
from tests.search.conftest import story_label


def titles(query, language, **kwargs):
    return [hit.title for hit in services.search(query, language, **kwargs).hits]


def test_the_engine_comes_from_settings(engine):
    assert isinstance(engine, Engine)
    assert engine.name in {"database", "elasticsearch"}


@pytest.mark.parametrize("word", ["леопард", "леопарды", "леопардов", "леопардами", "Леопарде"])
def test_russian_inflections_find_the_same_story(corpus, word):
    assert "Итоги учёта" in titles(word, "ru")


@pytest.mark.parametrize("word", ["monitored", "monitor", "camera", "leopards", "recording"])
def test_english_words_match_by_their_stem(corpus, word):
    assert "Survey results" in titles(word, "en")


@pytest.mark.parametrize("word", ["东北豹", "相机", "老虎", "保护区"])
def test_chinese_words_match_inside_a_sentence(corpus, word):
    assert titles(word, "zh-hans") == ["调查结果"]


def test_chinese_characters_that_are_not_together_do_not_match(corpus):
    # 北 and 豹 both occur, but "北京" (Beijing) nowhere: bigrams keep words apart.
    assert titles("北京", "zh-hans") == []


def test_russian_search_also_stems_english_words_in_russian_text(corpus, publishing):
    from tests.search.conftest import story

    with publishing():
        story(
            corpus.stories,
            20,
            ("Фотоловушки", "Camera traps", "红外相机"),
            ("Новые камеры Reconyx записывают trails животных.", "New cameras.", "新相机。"),
        )
    assert titles("trail", "ru") == ["Фотоловушки"]


def test_each_language_searches_only_its_own_content(corpus):
    assert sorted(titles("тайге", "ru")) == ["Зимняя подкормка", "О парке"]
    assert titles("тайге", "en") == []
    assert sorted(titles("forest", "en")) == ["About the park", "Winter feeding"]
    assert titles("forest", "ru") == []
    assert titles("投放饲料", "zh-hans") == ["冬季投喂"]
    assert titles("投放饲料", "ru") == []


def test_a_title_match_ranks_first(corpus):
    # "Итоги учёта" says леопард six times in its body; "Тропа леопарда" once, in its title.
    assert titles("леопард", "ru")[0] == "Тропа леопарда"
    assert titles("leopard", "en")[0] == "The Leopard Trail"
    assert titles("豹", "zh-hans")[0] == "豹之路"


def test_results_carry_type_url_and_a_highlighted_snippet(corpus):
    results = services.search("леопардов", "ru")
    hit = next(hit for hit in results.hits if hit.title == "Итоги учёта")
    assert hit.url == "/ru/novosti/istoriya-11/"
    assert hit.type == "cms.storypage"
    assert hit.type_label == story_label("ru")
    assert "<mark>леопардов</mark>" in hit.snippet


def test_facets_count_every_type_and_a_type_filter_narrows_the_results(corpus):
    everything = services.search("леопарды", "ru")
    counts = {facet.type: facet.count for facet in everything.facets}
    assert counts == {"cms.storypage": 2, "cms.standardpage": 1}
    stories = services.search("леопарды", "ru", types=["cms.storypage"])
    assert stories.total == 2
    assert {hit.type for hit in stories.hits} == {"cms.storypage"}
    assert {facet.type: facet.count for facet in stories.facets} == counts  # still all types
    assert [facet.type for facet in stories.facets if facet.selected] == ["cms.storypage"]


def test_results_come_in_pages(corpus, publishing):
    from tests.search.conftest import story

    with publishing():
        for number in range(30, 53):
            story(
                corpus.stories,
                number,
                (f"Патруль {number}", f"Patrol {number}", f"巡护 {number}"),
                ("Инспекторы в патруле.", "Rangers on patrol.", "巡护员巡逻。"),
            )
    first = services.search("патруль", "ru")
    assert (first.total, first.num_pages, len(first.hits)) == (23, 3, 10)
    last = services.search("патруль", "ru", page=3)
    assert (last.page, len(last.hits), last.has_next, last.start_index) == (3, 3, False, 21)
    seen = {
        hit.url for page in (1, 2, 3) for hit in services.search("патруль", "ru", page=page).hits
    }
    assert len(seen) == 23


def test_a_page_past_the_end_gives_the_last_page(corpus):
    results = services.search("леопарды", "ru", page=99)
    assert (results.page, results.num_pages) == (1, 1)
    assert results.hits


def test_unpublished_and_draft_pages_never_appear(corpus, publishing):
    from tests.search.conftest import story

    with publishing():
        draft = corpus.stories.add_child(
            instance=type(corpus.story)(
                title="Черновик о леопардах",
                title_ru="Черновик о леопардах",
                slug="chernovik",
                slug_ru="chernovik",
                live=False,
            )
        )
        draft.save_revision()
        gone = story(
            corpus.stories,
            60,
            ("Снятая история о леопардах", "Withdrawn story", "撤下"),
            ("Леопарды.", "Leopards.", "豹。"),
        )
    assert "Снятая история о леопардах" in titles("леопарды", "ru")
    with publishing():
        gone.unpublish()
    found = titles("леопарды", "ru")
    assert "Снятая история о леопардах" not in found
    assert "Черновик о леопардах" not in found
    with publishing():
        corpus.counting.delete()
    assert "Итоги учёта" not in titles("леопарды", "ru")


def test_private_pages_never_appear(corpus, restricted):
    restricted(corpus.stories)  # the story index and every story below it
    assert titles("леопарды", "ru") == ["О парке"]
    assert titles("东北豹", "zh-hans") == []


def test_publishing_an_edit_updates_the_index(corpus, publishing):
    corpus.forest.title_ru = "Зимняя подкормка копытных"
    with publishing():
        corpus.forest.save_revision().publish()
    assert titles("копытных", "ru") == ["Зимняя подкормка копытных"]


def test_a_rebuild_finds_the_same_and_adds_nothing_private(corpus, restricted):
    restricted(corpus.about)
    before = {
        lang: titles(q, lang)
        for lang, q in [("ru", "леопард"), ("en", "leopard"), ("zh-hans", "豹")]
    }
    services.rebuild()
    after = {
        lang: titles(q, lang)
        for lang, q in [("ru", "леопард"), ("en", "leopard"), ("zh-hans", "豹")]
    }
    assert after == before
    assert "О парке" not in after["ru"]


def test_autocomplete_offers_titles_that_begin_like_the_query(corpus):
    assert [s["title"] for s in services.autocomplete("тро", "ru")] == ["Тропа леопарда"]
    suggestion = services.autocomplete("Leopard Tr", "en")[0]
    assert suggestion == {
        "title": "The Leopard Trail",
        "url": "/en/stories/story-10/",
        "type": "cms.storypage",
        "type_label": story_label("en"),
    }
    assert [s["title"] for s in services.autocomplete("豹之", "zh-hans")] == ["豹之路"]
    assert services.autocomplete("т", "ru") == []


BAD_QUERIES = [
    "",
    "   ",
    '"',
    "*",
    ":",
    "&",
    "|",
    "!",
    "(",
    ")",
    '"леопард',
    "леопард*",
    "title:леопард",
    "леопард & | ! (тигр)",
    "NEAR(леопард тигр)",
    "леопард AND OR NOT",
    "'; DROP TABLE search_indexentry; --",
    "\\",
    "\x00леопард",
    "леопард leopard 东北豹",
    "Leo 45F",
    "🐆",
    "л" * 5000,
    "леопард " * 400,
]


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_any_query_gives_results_or_none_never_an_error(corpus, language):
    for query in BAD_QUERIES:
        for page in ("x", -1, 10**30, 2):
            results = services.search(
                query, language, types=["cms.storypage", "no.such", 7], page=page
            )
            assert 0 <= results.total <= 5, query
            assert 1 <= results.page <= results.num_pages, query
            assert len(results.query) <= 200
        assert isinstance(services.autocomplete(query, language), list)


def test_syntax_characters_around_words_still_find_them(corpus):
    assert "Итоги учёта" in titles('"леопардов*" (котят) & !', "ru")
    assert titles("东北豹!!!", "zh-hans") == ["调查结果"]


def test_a_very_long_query_is_shortened_and_said_so(corpus):
    results = services.search("леопард " * 100, "ru")
    assert results.shortened
    assert results.total == 3  # the words repeat: the first 200 characters still find them


def test_nothing_found_offers_other_languages_and_spelling(corpus):
    elsewhere = services.search("leopards", "ru")
    assert elsewhere.total == 0
    assert [(other.language, other.count) for other in elsewhere.elsewhere] == [("en", 3)]
    misspelt = services.search("леопрада", "ru")
    assert misspelt.total == 0
    assert misspelt.spelling == ["леопарда"]
    assert services.search(misspelt.spelling[0], "ru").total == 3


def test_a_word_cut_short_finds_on_enter_what_autocomplete_offers(corpus):
    # Enter on the search page with the start of a word: the same page autocomplete offered.
    offered = [s["title"] for s in services.autocomplete("тро", "ru")]
    found = [hit.title for hit in services.search("тро", "ru").hits]
    assert offered and set(offered) <= set(found)
