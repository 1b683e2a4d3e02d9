"""The Elasticsearch engine over HTTP, through the real client, against the loopback stand-in
(tests/search/elasticsearch_standin.py): indexing through the publishing signals, searching,
facets, highlighting, autocomplete, spelling, and rebuilds with their aliases and races.

Language analysis (stemming, smartcn) is the contract suite's, against a real cluster: the
stand-in splits words without stemming them, so the texts here use the words they look for.
"""

import datetime
import re
import threading
from io import StringIO

import httpx
import pytest
from django.core.management import call_command
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError
from wagtail.models import PageViewRestriction

import search
from search import services
from search.engines import get_engine
from search.engines.elasticsearch import ElasticsearchEngine, IndexingFailed
from search.registry import PAGE_SOURCE, all_sources
from tests.pages import build_site_tree
from tests.search.conftest import story, story_label
from tests.search.elasticsearch_standin import StandIn

LANGUAGES = ("ru", "en", "zh-hans")
FIRST = {f"leopard-{code}": [f"leopard-{code}-first"] for code in LANGUAGES}
WAIT = 60  # seconds a staged race waits for its other side before it fails (never hit)


@pytest.fixture(scope="module")
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def cluster(standin, settings):
    """An empty stand-in cluster that the engine reaches through settings, as in production."""
    standin.reset()
    settings.ELASTICSEARCH_URL = standin.url
    settings.SEARCH_INDEX_PREFIX = "leopard"
    settings.SEARCH_ELASTICSEARCH_REFRESH = True
    return standin


def worker(cluster):
    """An engine with a client of its own, as on another machine; patient, for staged races."""
    return ElasticsearchEngine(Elasticsearch(cluster.url, request_timeout=WAIT), "leopard")


@pytest.fixture
def stories(cluster, db, publishing):
    """The site and two stories, indexed through the publishing signals and tasks."""
    with publishing():
        tree = build_site_tree()
        tree.trail = story(
            tree.stories,
            10,
            ("Тропа леопарда", "The Leopard Trail", "豹之路"),
            (
                "Маршрут через гору Буслэнко. Здесь живут леопарды, и здесь видели леопарда.",
                "A loop over Mount Buslenko, where a leopard was seen.",
                "从游客中心出发，全长约1.8公里。",
            ),
        )
        tree.survey = story(
            tree.stories,
            11,
            ("Итоги учёта", "Survey results", "调查结果"),
            (
                "Фотоловушки сняли леопарда и котят.",
                "Camera traps recorded a leopard and cubs.",
                "红外相机拍到了东北豹。",
            ),
        )
    return tree


def titles(query, language, **kwargs):
    return [hit.title for hit in services.search(query, language, **kwargs).hits]


def documents(number, title):
    return [
        search.Document(language=code, title=f"{title} {code}", url=f"/{code}/{number}/")
        for code in LANGUAGES
    ]


def test_the_stand_in_answers_as_elasticsearch_8(cluster):
    assert Elasticsearch(cluster.url).info()["version"]["number"].startswith("8.")
    response = httpx.get(cluster.url)
    assert response.headers["X-Elastic-Product"] == "Elasticsearch"  # the client checks it


def test_publishing_writes_each_language_to_its_alias(cluster, stories):
    assert cluster.aliases() == FIRST
    assert sorted(cluster.cluster.indices) == sorted(name for [name] in FIRST.values())
    stored = get_engine().client.get(index="leopard-en", id=f"page:{stories.trail.pk}")
    assert stored["_source"] == {
        "source": "page",
        "object_id": str(stories.trail.pk),
        "type": "cms.storypage",
        "title": "The Leopard Trail",
        "body": "A loop over Mount Buslenko, where a leopard was seen.",
        "url": "/en/stories/story-10/",
        "date": "2024-01-11",
        "suggest": {"input": ["The Leopard Trail", "Leopard Trail", "Trail"]},
    }


@pytest.mark.parametrize(("plugins", "analyzer"), [((), "cjk"), (("analysis-smartcn",), "smartcn")])
def test_chinese_is_analysed_with_smartcn_when_the_cluster_has_it(cluster, plugins, analyzer):
    cluster.reset(plugins=plugins)
    worker(cluster).ensure_index("zh-hans")
    title = cluster.cluster.indices["leopard-zh-hans-first"].mappings["properties"]["title"]
    assert title["analyzer"] == analyzer


def test_a_search_ranks_title_matches_first_and_highlights_them(stories):
    results = services.search("леопарда", "ru")
    assert [hit.title for hit in results.hits] == ["Тропа леопарда", "Итоги учёта"]
    first, second = results.hits
    assert first.title_html == "Тропа <mark>леопарда</mark>"
    assert "видели <mark>леопарда</mark>." in first.snippet
    assert second.title_html == "Итоги учёта"  # no match in the title: the title as it is
    assert second.snippet == "Фотоловушки сняли <mark>леопарда</mark> и котят."
    assert (first.url, first.type, first.date) == (
        "/ru/novosti/istoriya-10/",
        "cms.storypage",
        datetime.date(2024, 1, 11),
    )
    assert titles("东北豹", "zh-hans") == ["调查结果"]


def test_facets_count_every_type_while_a_type_filter_narrows_the_hits(stories):
    everything = services.search("леопарды", "ru")
    counts = {facet.type: facet.count for facet in everything.facets}
    assert counts == {"cms.standardpage": 1, "cms.storypage": 1}
    stories_only = services.search("леопарды", "ru", types=["cms.storypage"])
    assert [hit.title for hit in stories_only.hits] == ["Тропа леопарда"]
    assert stories_only.total == 1
    assert {facet.type: facet.count for facet in stories_only.facets} == counts


def test_results_come_in_pages(stories, publishing):
    with publishing():
        for number in range(30, 42):
            story(
                stories.stories,
                number,
                (f"Патруль {number}", f"Patrol {number}", f"巡护 {number}"),
                ("Инспекторы в патруле.", "Rangers on patrol.", "巡护员巡逻。"),
            )
    first = services.search("патруль", "ru")
    assert (first.total, first.num_pages, len(first.hits)) == (12, 2, 10)
    second = services.search("патруль", "ru", page=2)
    assert len(second.hits) == 2
    assert {hit.url for hit in first.hits} & {hit.url for hit in second.hits} == set()


def test_autocomplete_and_did_you_mean(stories):
    assert [s["title"] for s in services.autocomplete("тро", "ru")] == ["Тропа леопарда"]
    assert services.autocomplete("Leopard Tr", "en")[0] == {
        "title": "The Leopard Trail",
        "url": "/en/stories/story-10/",
        "type": "cms.storypage",
        "type_label": story_label("en"),
    }
    assert [s["title"] for s in services.autocomplete("豹之", "zh-hans")] == ["豹之路"]
    misspelt = services.search("леопрада", "ru")
    assert (misspelt.total, misspelt.spelling) == (0, ["леопарда"])
    elsewhere = services.search("leopard", "ru")
    assert [(other.language, other.count) for other in elsewhere.elsewhere] == [("en", 2)]


def test_unpublished_deleted_and_private_pages_leave_the_index(stories, publishing):
    with publishing():
        stories.trail.unpublish()
    assert titles("леопарда", "ru") == ["Итоги учёта"]
    assert services.autocomplete("тро", "ru") == []
    with publishing():
        stories.survey.delete()
    assert titles("леопарда", "ru") == []
    with publishing():
        PageViewRestriction.objects.create(
            page=stories.about, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
    assert titles("леопарды", "ru") == []


def test_before_anything_is_indexed_a_search_finds_nothing(cluster, db):
    assert services.search("леопард", "ru").total == 0
    assert services.autocomplete("лео", "ru") == []
    assert cluster.cluster.indices == {}  # reading creates nothing


def test_a_rebuild_swaps_every_alias_in_one_call_and_drops_the_old_indices(cluster, stories):
    before = {code: titles(q, code) for code, q in [("ru", "леопарда"), ("en", "leopard")]}
    cluster.requests.clear()
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    assert "page: 6/6" in out.getvalue().splitlines()  # home, about, stories and 3 stories

    aliases = cluster.aliases()
    assert sorted(aliases) == sorted(FIRST)  # no rebuilding alias left behind
    for code in LANGUAGES:
        [index] = aliases[f"leopard-{code}"]
        assert re.fullmatch(rf"leopard-{code}-\d{{20}}", index)
    assert sorted(cluster.cluster.indices) == sorted(name for [name] in aliases.values())
    swaps = [body for method, path, _params, body in cluster.requests if path == "/_aliases"]
    assert len(swaps) == 2  # mark the new indices as rebuilding; swap
    swap = swaps[-1]["actions"]
    assert sorted(a["add"]["alias"] for a in swap if "add" in a) == sorted(FIRST)
    assert sorted(a["remove_index"]["index"] for a in swap if "remove_index" in a) == sorted(
        name for [name] in FIRST.values()
    )
    after = {code: titles(q, code) for code, q in [("ru", "леопарда"), ("en", "leopard")]}
    assert after == before


def during_rebuild(object_id, change):
    """The rebuild's sources, with `change` made once the rebuild has read `object_id`: what
    it then writes for that page is older than the change."""
    for source, total, records in all_sources():

        def records_then_change(records=records, source=source):
            for record in records:
                if source == PAGE_SOURCE and record[0] == str(object_id):
                    change()
                yield record

        yield source, total, records_then_change()


def rebuilding(cluster):
    return {alias for alias in cluster.aliases() if alias.endswith("-rebuilding")}


def test_an_edit_published_during_a_rebuild_is_in_the_new_index(cluster, stories, publishing):
    def edit():
        assert rebuilding(cluster) == {f"leopard-{code}-rebuilding" for code in LANGUAGES}
        stories.trail.title_ru = "Тропа леопарда после ремонта"
        with publishing():
            stories.trail.save_revision().publish()

    get_engine().rebuild(during_rebuild(stories.trail.pk, edit))
    assert cluster.aliases()["leopard-ru"] != FIRST["leopard-ru"]
    assert titles("ремонта", "ru") == ["Тропа леопарда после ремонта"]
    assert titles("леопарда", "ru") == ["Тропа леопарда после ремонта", "Итоги учёта"]


def test_a_page_unpublished_during_a_rebuild_is_gone(cluster, stories, publishing):
    def unpublish():
        assert rebuilding(cluster)
        with publishing():
            stories.trail.unpublish()

    engine = get_engine()
    engine.rebuild(during_rebuild(stories.trail.pk, unpublish))
    assert titles("леопарда", "ru") == ["Итоги учёта"]
    assert services.autocomplete("тро", "ru") == []
    # Its tombstone kept the rebuild from writing it, and went after the swap.
    [index] = cluster.aliases()["leopard-ru"]
    assert f"page:{stories.trail.pk}" not in cluster.cluster.indices[index].docs
    assert not engine.client.search(index="leopard-ru", query={"term": {"removed": True}})["hits"][
        "hits"
    ]


def test_a_page_published_during_a_rebuild_after_it_read_the_pages_is_found(
    cluster, stories, publishing
):
    def publish_another():
        with publishing():
            story(stories.stories, 12, ("Новый леопард", "New leopard", "新豹"), ("Текст.",) * 3)

    get_engine().rebuild(during_rebuild(stories.survey.pk, publish_another))
    assert titles("леопард", "ru") == ["Новый леопард"]


def test_a_rebuild_that_fails_drops_its_new_indices(cluster, stories):
    def failing_sources():
        def records():
            yield from next(all_sources())[2]
            raise RuntimeError("the database went away")

        yield PAGE_SOURCE, 6, records()

    with pytest.raises(RuntimeError):
        get_engine().rebuild(failing_sources())
    assert cluster.aliases() == FIRST
    assert sorted(cluster.cluster.indices) == sorted(name for [name] in FIRST.values())
    assert titles("леопарда", "ru") == ["Тропа леопарда", "Итоги учёта"]


def test_a_rebuild_killed_midway_is_cleaned_up_by_the_next(cluster, stories, publishing):
    # What a rebuild killed with its machine leaves: new indices under the rebuilding aliases.
    engine = get_engine()
    left = [f"leopard-{code}-20260101000000000000" for code in LANGUAGES]
    for code, name in zip(LANGUAGES, left, strict=True):
        engine.client.indices.create(
            index=name, aliases={f"leopard-{code}-rebuilding": {"is_write_index": True}}
        )
    with publishing():  # writes meanwhile reach the live index (and the abandoned one)
        stories.survey.title_ru = "Итоги учёта 2024"
        stories.survey.save_revision().publish()
    assert titles("2024", "ru") == ["Итоги учёта 2024"]

    services.rebuild()
    assert rebuilding(cluster) == set()
    assert not set(left) & set(cluster.cluster.indices)
    assert len(cluster.cluster.indices) == 3
    assert titles("2024", "ru") == ["Итоги учёта 2024"]


def test_a_rebuild_started_while_another_runs_supersedes_it(cluster, stories):
    engine = get_engine()
    later = {}

    def rebuild_again():
        services.rebuild()
        later.update(cluster.aliases())

    with pytest.raises(NotFoundError, match="aliases_not_found_exception"):
        engine.rebuild(during_rebuild(stories.trail.pk, rebuild_again))
    # The earlier rebuild wrote on into indices the later one had dropped (Elasticsearch made
    # them again, without mappings) and failed at its swap, taking them with it.
    assert cluster.aliases() == later
    assert sorted(cluster.cluster.indices) == sorted(name for [name] in later.values())
    assert titles("леопарда", "ru") == ["Тропа леопарда", "Итоги учёта"]


@pytest.mark.parametrize("operation", ["ensure_index", "replace"])
def test_two_workers_creating_the_first_index_leave_each_alias_on_one_index(cluster, operation):
    # Each worker's request to create an index waits for the other's: both have looked for the
    # alias, found none, and ask at the same moment.
    both = threading.Barrier(2, timeout=WAIT)
    cluster.before_request(
        lambda method, path: method == "PUT" and "/_" not in path and both.wait()
    )
    failures = []

    def work(number):
        engine = worker(cluster)
        try:
            if operation == "ensure_index":
                for code in LANGUAGES:
                    engine.ensure_index(code)
            else:
                engine.replace("page", str(number), documents(number, f"Leopard {number}"))
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert cluster.aliases() == FIRST
    if operation == "replace":
        engine = worker(cluster)
        engine.client.indices.refresh(index="leopard-en")
        assert engine.search("leopard", "en").total == 2


def test_a_worker_that_looked_before_a_rebuild_cannot_put_the_alias_on_a_second_index(cluster, db):
    # Worker A finds no alias and asks for `leopard-ru-first`; its request is held while
    # worker B makes the first index, rebuilds, and drops `-first`. Then A's request arrives.
    arrived, release = threading.Event(), threading.Event()

    def hold_first_creation(method, path):
        if (method, path) == ("PUT", "/leopard-ru-first") and not arrived.is_set():
            arrived.set()
            release.wait(WAIT)

    cluster.before_request(hold_first_creation)
    failures = []

    def worker_a():
        try:
            worker(cluster).ensure_index("ru")
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)

    thread = threading.Thread(target=worker_a)
    thread.start()
    assert arrived.wait(WAIT)
    worker(cluster).rebuild([(PAGE_SOURCE, 1, iter([("1", documents(1, "Leopard"))]))])
    [rebuilt] = cluster.aliases()["leopard-ru"]
    release.set()
    thread.join()

    assert failures == []
    assert cluster.aliases()["leopard-ru"] == [rebuilt]
    assert "leopard-ru-first" not in cluster.cluster.indices


def test_a_write_the_cluster_refuses_is_an_error_not_a_silent_loss(cluster):
    engine = worker(cluster)
    engine.ensure_index("ru")
    # An operator's mistake: the alias left without a write index.
    engine.client.indices.update_aliases(
        actions=[
            {"add": {"index": "leopard-ru-first", "alias": "leopard-ru", "is_write_index": False}}
        ]
    )
    with pytest.raises(IndexingFailed, match="no write index is defined for alias"):
        engine.replace("page", "1", documents(1, "Leopard"))


def test_an_index_standing_where_the_alias_belongs_is_an_error(cluster):
    # What a write to the alias without require_alias would have auto-created.
    engine = worker(cluster)
    engine.client.indices.create(index="leopard-ru")
    with pytest.raises(BadRequestError, match="invalid_alias_name_exception"):
        engine.ensure_index("ru")
