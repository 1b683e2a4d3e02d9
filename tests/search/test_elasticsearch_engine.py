"""The Elasticsearch engine's indices and requests, checked without a cluster.

Over HTTP against the loopback stand-in: test_elasticsearch_cluster.py. Against a running cluster
the whole contract suite runs too: ELASTICSEARCH_URL=… pytest tests/search.
"""

import ast
import datetime
import os
import tomllib

import pytest
from django.conf import settings

import search
from search.engines.elasticsearch import (
    MARK_END,
    MARK_START,
    ElasticsearchEngine,
    analyzer_for,
    autocomplete_request,
    document_source,
    index_definition,
    marked,
    search_request,
    spelling_request,
    suggest_inputs,
)


@pytest.mark.parametrize(
    ("language", "plugins", "analyzer"),
    [
        ("ru", (), "russian"),
        ("en", (), "english"),
        ("zh-hans", (), "cjk"),
        ("zh-hans", ("analysis-smartcn",), "smartcn"),
        ("ru", ("analysis-smartcn",), "russian"),
    ],
)
def test_each_language_gets_its_analyzer(language, plugins, analyzer):
    assert analyzer_for(language, plugins) == analyzer
    mapping = index_definition("leopard-x", language, plugins).to_dict()["mappings"]["properties"]
    assert mapping["title"]["analyzer"] == analyzer
    assert mapping["body"]["analyzer"] == analyzer


def test_the_index_mapping_holds_only_public_fields():
    index = index_definition("leopard-ru-20250101", "ru").to_dict()
    assert index["settings"] == {"number_of_shards": 1}
    assert index["mappings"]["properties"] == {
        "source": {"type": "keyword"},
        "object_id": {"type": "keyword"},
        "type": {"type": "keyword"},
        "title": {
            "type": "text",
            "analyzer": "russian",
            "fields": {"plain": {"type": "text", "analyzer": "simple"}},
        },
        "body": {"type": "text", "analyzer": "russian"},
        "url": {"type": "keyword", "index": False},
        "date": {"type": "date"},
        "suggest": {"type": "completion", "analyzer": "simple"},
        "removed": {"type": "boolean"},  # a tombstone's mark, during a rebuild only
    }
    chinese = index_definition("leopard-zh-hans-1", "zh-hans").to_dict()
    assert chinese["mappings"]["properties"]["suggest"]["analyzer"] == "standard"


def test_the_search_request_is_faceted_by_type_and_puts_titles_first():
    _faceted, request = search_request("leopard-ru", "леопарды", ["cms.storypage"], 10, 10)
    body = request.to_dict()
    assert body["query"] == {
        "bool": {
            "must": [
                {
                    "multi_match": {
                        "query": "леопарды",
                        "fields": ["title^3", "body"],
                        "operator": "and",
                    }
                }
            ],
            "should": [{"match": {"title": {"query": "леопарды", "operator": "and", "boost": 10}}}],
        }
    }
    # The type filter narrows the hits only (post_filter): the facet still counts every type.
    assert body["post_filter"] == {"terms": {"type": ["cms.storypage"]}}
    assert body["aggs"] == {
        "_filter_type": {
            "filter": {"match_all": {}},
            "aggs": {"type": {"terms": {"field": "type", "size": 100}}},
        }
    }
    assert (body["from"], body["size"], body["track_total_hits"]) == (10, 10, True)
    assert body["highlight"]["pre_tags"] == [MARK_START]
    assert body["highlight"]["require_field_match"] is False
    assert body["highlight"]["post_tags"] == [MARK_END]
    assert body["highlight"]["fields"]["body"]["fragment_size"] == 240
    assert request._index == ["leopard-ru"]


def test_a_single_chinese_character_is_also_looked_up_character_by_character():
    index = index_definition("leopard-zh-hans-1", "zh-hans").to_dict()["mappings"]["properties"]
    assert index["title"]["fields"]["chars"] == {"type": "text", "analyzer": "standard"}
    assert index["body"]["fields"] == {"chars": {"type": "text", "analyzer": "standard"}}

    def fields(query):
        request = search_request("leopard-zh-hans", query, language="zh-hans")[1]
        return request.to_dict()["query"]["bool"]["must"][0]["multi_match"]["fields"]

    assert fields("豹") == ["title^3", "body", "title.chars^3", "body.chars"]
    assert fields("东北豹") == ["title^3", "body"]


def test_without_types_there_is_no_filter():
    _faceted, request = search_request("leopard-en", "leopard")
    assert "post_filter" not in request.to_dict()


def test_the_autocomplete_asks_the_completion_suggester():
    assert autocomplete_request("leopard-ru", "тро", 8).to_dict() == {
        "size": 0,
        "_source": ["title", "url", "type"],
        "suggest": {
            "titles": {
                "prefix": "тро",
                "completion": {"field": "suggest", "size": 8, "skip_duplicates": True},
            }
        },
    }
    assert spelling_request("leopard-ru", "леопрад").to_dict()["suggest"] == {
        "spelling": {"text": "леопрад", "term": {"field": "title.plain", "suggest_mode": "popular"}}
    }


def test_a_document_becomes_its_public_source():
    document = search.Document(
        language="ru",
        title=f"Тропа {MARK_START}леопарда",
        url="/ru/tropa/",
        body="Маршрут",
        type="cms.storypage",
        date=datetime.date(2024, 5, 16),
    )
    assert document_source("page", "7", document) == {
        "source": "page",
        "object_id": "7",
        "type": "cms.storypage",
        "title": "Тропа леопарда",
        "body": "Маршрут",
        "url": "/ru/tropa/",
        "date": "2024-05-16",
        "suggest": {"input": suggest_inputs(document.title)},
    }
    assert suggest_inputs("The Leopard Trail") == ["The Leopard Trail", "Leopard Trail", "Trail"]


def test_highlights_are_escaped_except_our_marks():
    fragment = f'<b>x</b> & {MARK_START}леопард{MARK_END} "y"'
    assert marked(fragment) == "&lt;b&gt;x&lt;/b&gt; &amp; <mark>леопард</mark> &quot;y&quot;"


def test_the_engine_reads_its_settings(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_INDEX_PREFIX = "park"
    engine = ElasticsearchEngine.from_settings()
    assert engine.name == "elasticsearch"
    assert [engine.alias(code) for code in ("ru", "en", "zh-hans")] == [
        "park-ru",
        "park-en",
        "park-zh-hans",
    ]
    assert engine.refresh is False


def test_a_cluster_that_is_down_gives_a_503_page_not_a_500(client, db, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = client.get("/ru/search/", {"q": "леопард"})
    assert response.status_code == 503
    assert "Поиск сейчас недоступен" in response.content.decode()
    assert client.get("/ru/search/suggest/", {"q": "леопард"}).status_code == 503


def project_python_files():
    """Every Python file of the project: not the virtualenv, node_modules or files it makes."""
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith(".") and name not in {"node_modules", "var"}
        ]
        yield from (os.path.join(folder, name) for name in files if name.endswith(".py"))


def test_the_dsl_comes_from_the_client_not_the_deprecated_package():
    importers = []
    for path in project_python_files():
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read(), path)
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name.split(".")[0] == "elasticsearch_dsl" for name in names):
                importers.append(os.path.relpath(path, settings.BASE_DIR))
    assert importers == []
    assert len(list(project_python_files())) > 100  # the walk did read the project

    with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    assert "elasticsearch>=8.18,<9" in dependencies  # 8.18 ships elasticsearch.dsl; 9 is too new
    assert not [line for line in dependencies if line.startswith("elasticsearch-dsl")]
    constraints = (settings.BASE_DIR / "constraints.txt").read_text().splitlines()
    assert not [line for line in constraints if line.startswith("elasticsearch-dsl")]
    assert [line for line in constraints if line.startswith("elasticsearch==8.")]
