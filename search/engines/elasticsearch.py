"""The Elasticsearch engine (ELASTICSEARCH_URL), built with the client's DSL (`elasticsearch.dsl`).

One index per language behind an alias (`leopard-ru`, `leopard-en`, `leopard-zh-hans`), each
with its language's analyzer: `russian`, `english`, and for Chinese `smartcn` when the cluster
has the analysis-smartcn plugin, otherwise the built-in `cjk` (bigrams, as the database engine
does). A rebuild fills new indices and then swaps every language's alias in one atomic call, so
search never goes dark, and keeps the writes made while it ran (see "Writing" below). Searches
are faceted by type (FacetedSearch: the type filter is a post_filter, so the facet counts still
cover every type), and the autocomplete uses a completion suggester.
"""

import html
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.utils.safestring import mark_safe
from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    FacetedSearch,
    Index,
    Keyword,
    Mapping,
    Q,
    Search,
    TermsFacet,
    Text,
)

from search import text
from search.engines.base import Engine, EngineResult, Hit, SearchUnavailable

ANALYZERS = {"ru": "russian", "en": "english"}
SUGGEST_ANALYZERS = {"ru": "simple", "en": "simple"}  # prefixes are not stemmed
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in our text
SNIPPET_LENGTH = 240
TITLE_BOOST = 10
ERRORS = (ApiError, TransportError)


def analyzer_for(language, plugins=()):
    """The analyzer of a language's index, given the cluster's plugins."""
    if language in ANALYZERS:
        return ANALYZERS[language]
    return "smartcn" if "analysis-smartcn" in plugins else "cjk"


def index_definition(name, language, plugins=()):
    """The index (settings and mapping) for one language's documents."""
    analyzer = analyzer_for(language, plugins)
    mapping = Mapping()
    mapping.field("source", Keyword())
    mapping.field("object_id", Keyword())
    mapping.field("type", Keyword())
    title_fields = {"plain": Text(analyzer="simple")}
    body_fields = {}
    if language not in ANALYZERS:
        # Single characters (豹 alone): the bigram analyzer has no token for them.
        title_fields["chars"] = body_fields["chars"] = Text(analyzer="standard")
    mapping.field("title", Text(analyzer=analyzer, fields=title_fields))
    mapping.field(
        "body", Text(analyzer=analyzer, **({"fields": body_fields} if body_fields else {}))
    )
    mapping.field("url", Keyword(index=False))
    mapping.field("date", Date())
    mapping.field("suggest", Completion(analyzer=SUGGEST_ANALYZERS.get(language, "standard")))
    mapping.field("removed", Boolean())  # a tombstone, only while a rebuild runs
    index = Index(name)
    index.settings(number_of_shards=1)
    index.mapping(mapping)
    return index


class SiteSearch(FacetedSearch):
    """Title and body in one language; the title counts most, a title match comes first."""

    facets = {"type": TermsFacet(field="type", size=100)}
    fields = ["title^3", "body"]
    char_fields = ["title.chars^3", "body.chars"]

    def __init__(self, index, query, types=(), using=None, *, single_characters=False):
        self.index = index
        self.using = using
        if single_characters:
            self.fields = [*self.fields, *self.char_fields]
        super().__init__(query, filters={"type": list(types)} if types else {})

    def query(self, search, query):
        return search.query(
            Q(
                "bool",
                must=[Q("multi_match", query=query, fields=self.fields, operator="and")],
                should=[
                    Q("match", title={"query": query, "operator": "and", "boost": TITLE_BOOST})
                ],
            )
        )

    def highlight(self, search):
        return (
            search.highlight_options(
                pre_tags=[MARK_START], post_tags=[MARK_END], require_field_match=False
            )
            .highlight("title", number_of_fragments=0)
            .highlight(
                "body",
                fragment_size=SNIPPET_LENGTH,
                number_of_fragments=1,
                no_match_size=SNIPPET_LENGTH,
            )
        )


def search_request(alias, query, types=(), offset=0, limit=10, using=None, *, language=""):
    """The faceted search and its request (a Search), for one page of results."""
    single = language not in ANALYZERS and any(
        len(clause.text) == 1 and text.CJK_RUN.fullmatch(clause.text)
        for clause in text.query_clauses(query, language)
    )
    faceted = SiteSearch(alias, query, types, using=using, single_characters=single)
    return faceted, faceted.build_search().extra(track_total_hits=True)[offset : offset + limit]


def autocomplete_request(alias, query, limit=8, using=None):
    return (
        Search(index=alias, using=using)
        .source(["title", "url", "type"])
        .suggest(
            "titles", query, completion={"field": "suggest", "size": limit, "skip_duplicates": True}
        )
        .extra(size=0)
    )


def spelling_request(alias, query, using=None):
    return (
        Search(index=alias, using=using)
        .suggest("spelling", query, term={"field": "title.plain", "suggest_mode": "popular"})
        .extra(size=0)
    )


def suggest_inputs(title):
    """What the completion suggester matches: the title, and the title from each later word."""
    words = title.split()
    return list(
        dict.fromkeys([title, *(" ".join(words[i:]) for i in range(1, min(len(words), 6)))])
    )


def document_source(source, object_id, document):
    clean = str.maketrans("", "", MARK_START + MARK_END)
    return {
        "source": source,
        "object_id": object_id,
        "type": document.type,
        "title": document.title.translate(clean),
        "body": document.body.translate(clean),
        "url": document.url,
        "date": document.date.isoformat() if document.date else None,
        "suggest": {"input": suggest_inputs(document.title)},
    }


def marked(fragment):
    """Highlighted text from Elasticsearch, escaped, with its markers as <mark>."""
    escaped = html.escape(fragment)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


@lru_cache(maxsize=4)
def _client(url):
    return Elasticsearch(url, request_timeout=5, retry_on_timeout=True, max_retries=2)


class ElasticsearchEngine(Engine):
    name = "elasticsearch"

    def __init__(self, client, prefix, *, refresh=False):
        self.client = client
        self.prefix = prefix
        self.refresh = refresh  # tests read their writes at once; production does not wait

    @classmethod
    def from_settings(cls):
        return cls(
            _client(settings.ELASTICSEARCH_URL),
            settings.SEARCH_INDEX_PREFIX,
            refresh=getattr(settings, "SEARCH_ELASTICSEARCH_REFRESH", False),
        )

    def alias(self, language):
        return f"{self.prefix}-{language}"

    def languages(self):
        return [code for code, _name in settings.LANGUAGES]

    def plugins(self):
        return {row["component"] for row in self.client.cat.plugins(format="json")}

    # Searching -----------------------------------------------------------------------------

    def search(self, query, language, *, types=None, offset=0, limit=10):
        query = text.clean_query(query)
        if not query:
            return EngineResult(hits=[], total=0, facets={})
        faceted, request = search_request(
            self.alias(language), query, types or (), offset, limit, self.client, language=language
        )
        try:
            response = request.execute()
        except ERRORS as error:
            if getattr(error, "status_code", None) == 404:
                return EngineResult(hits=[], total=0, facets={})  # nothing indexed yet
            raise SearchUnavailable(str(error)) from error
        response._faceted_search = faceted
        facets = {value: count for value, count, _selected in response.facets.type}
        hits = [self._hit(hit) for hit in response]
        return EngineResult(hits=hits, total=response.hits.total.value, facets=facets)

    def _hit(self, hit):
        highlight = getattr(hit.meta, "highlight", None)
        title = highlight.title[0] if highlight and "title" in highlight else hit.title
        body = highlight.body[0] if highlight and "body" in highlight else ""
        date = datetime.fromisoformat(hit.date).date() if getattr(hit, "date", None) else None
        return Hit(
            type=hit.type,
            title=hit.title,
            title_html=marked(title),
            snippet=marked(body),
            url=hit.url,
            date=date,
        )

    def autocomplete(self, query, language, *, limit=8):
        try:
            response = autocomplete_request(
                self.alias(language), query, limit, using=self.client
            ).execute()
        except ERRORS as error:
            if getattr(error, "status_code", None) == 404:
                return []  # nothing indexed yet
            raise SearchUnavailable(str(error)) from error
        hits = []
        for option in response.suggest.titles[0].options:
            source = option._source
            hits.append(
                Hit(
                    type=source.type,
                    title=source.title,
                    title_html=marked(source.title),
                    snippet=marked(""),
                    url=source.url,
                )
            )
        return hits

    def spelling(self, query, language):
        try:
            response = spelling_request(self.alias(language), query, using=self.client).execute()
        except ERRORS:
            return []
        words, changed = [], False
        for entry in response.suggest.spelling:
            if entry.options:
                words.append(entry.options[0].text)
                changed = True
            else:
                words.append(entry.text)
        return [" ".join(words)] if changed else []

    # Writing -------------------------------------------------------------------------------
    #
    # Every language's alias is on exactly one index, its write index; each write names the
    # alias, never an index. While a rebuild fills new indices, they carry a second alias
    # (`<alias>-rebuilding`) and every write goes to both aliases in one bulk request (which the
    # cluster resolves against one state, so it reaches the new index either through the
    # rebuilding alias or, once swapped, through the alias). The rebuild only *creates*
    # documents, so it never overwrites such a newer write, and a record that leaves the index
    # during a rebuild leaves a tombstone there for the rebuild to trip over (dropped after the
    # swap). A task reads its record before it looks for a rebuild (search.tasks), so a rebuild
    # that starts after the look reads the record again itself. docs/search.md has the whole.

    def rebuilding_alias(self, language):
        return f"{self.alias(language)}-rebuilding"

    def replace(self, source, object_id, documents):
        by_language = {document.language: document for document in documents}
        doc_id = f"{source}:{object_id}"
        held = self._held_aliases()
        operations, optional = [], []
        for language in self.languages():
            if self.alias(language) not in held:
                self._create_first_index(language)
            document = by_language.get(language)
            body = document_source(source, object_id, document) if document else None
            if body:
                operations += [_write(self.alias(language), doc_id), body]
            else:
                operations.append({"delete": {"_index": self.alias(language), "_id": doc_id}})
            optional.append(False)
            if self.rebuilding_alias(language) in held:
                tombstone = {"source": source, "object_id": object_id, "removed": True}
                operations += [_write(self.rebuilding_alias(language), doc_id), body or tombstone]
                optional.append(True)  # the rebuild may have swapped since we looked: then gone
        response = self.client.bulk(operations=operations, refresh=self.refresh)
        for item, may_miss in zip(response["items"], optional, strict=True):
            ((_action, result),) = item.items()
            error = result.get("error")
            if error and not (may_miss and error["type"] == "index_not_found_exception"):
                raise IndexingFailed(f"{result['_index']} {doc_id}: {error['reason']}")

    def ensure_index(self, language):
        """The language's alias, made with a first empty index if the cluster has none yet."""
        if not self.client.indices.exists_alias(name=self.alias(language)):
            self._create_first_index(language)
        return self.alias(language)

    def _create_first_index(self, language):
        """`<alias>-first`, created with the alias in the same request, if no one has yet.

        Two workers that both found no alias ask for the same name: the cluster creates it once
        and tells the other it exists. A worker that looked before a rebuild moved the alias on
        and dropped `-first` would create it again, but the alias is made a write index and
        the cluster refuses an alias a second write index, so that creation fails as a whole.
        """
        alias = self.alias(language)
        index = index_definition(f"{alias}-first", language, self.plugins())
        index.aliases(**{alias: {"is_write_index": True}})
        try:
            index.create(using=self.client)
        except ApiError as error:
            refused = error.error in (
                "resource_already_exists_exception",
                "illegal_state_exception",
            )
            if not (refused and self.client.indices.exists_alias(name=alias)):
                raise

    def _held_aliases(self):
        """{alias: [index, …]} for this prefix's indices, in one request."""
        held = {}
        for index, body in self.client.indices.get_alias(index=f"{self.prefix}-*").items():
            for alias in body["aliases"]:
                held.setdefault(alias, []).append(index)
        return held

    def _new_index(self, language, plugins):
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.alias(language)}-{stamp}"
        index_definition(name, language, plugins).create(using=self.client)
        return name

    def rebuild(self, sources, progress=None):
        """New indices, filled and swapped in for every language at once; writes made
        meanwhile are kept (see above). A rebuild started while another runs supersedes it:
        the earlier one's indices are dropped, and it fails at its swap."""
        plugins = self.plugins()
        for language in self.languages():
            self.ensure_index(language)  # the swap then always has an alias to move
        new = {language: self._new_index(language, plugins) for language in self.languages()}
        try:
            self._mark_rebuilding(new)
            self._fill(new, sources, progress)
            self.client.indices.refresh(index=",".join(new.values()))
            self._swap(new)
        except BaseException:
            # Stopped (an error, Ctrl+C): writes must not keep going to indices that will never
            # go live. A rebuild killed outright leaves them to the next one (_mark_rebuilding).
            self.client.options(ignore_status=404).indices.delete(index=",".join(new.values()))
            raise
        # Tombstones written up to the swap (none can come after: the rebuilding alias is gone);
        # they match no search meanwhile, having no title, body or suggestions.
        self.client.indices.refresh(index=",".join(new.values()))
        self.client.delete_by_query(
            index=",".join(new.values()),
            query={"term": {"removed": True}},
            conflicts="proceed",  # a tombstone written over since: the newer write stays
            refresh=self.refresh,
        )

    def _mark_rebuilding(self, new):
        """Put the rebuilding alias on the new indices (one call), dropping any index it was
        left on by a rebuild that was killed: that index never went live."""
        held = self._held_aliases()
        actions = []
        for language, name in new.items():
            rebuilding = self.rebuilding_alias(language)
            actions += [{"remove_index": {"index": index}} for index in held.get(rebuilding, [])]
            actions.append({"add": {"index": name, "alias": rebuilding, "is_write_index": True}})
        self.client.indices.update_aliases(actions=actions)

    def _fill(self, new, sources, progress):
        def actions():
            for source, total, records in sources:
                done = 0
                if progress:
                    progress(source, done, total)
                for object_id, documents in records:
                    for document in documents:
                        if document.language in new:
                            yield {
                                "_op_type": "create",  # a write made during the rebuild is newer
                                "_index": new[document.language],
                                "_id": f"{source}:{object_id}",
                                "_source": document_source(source, object_id, document),
                            }
                    done += 1
                    if progress and (done % 500 == 0 or done == total):
                        progress(source, done, total)

        # 409: the document (or its tombstone) was written during the rebuild; it stays.
        for _ok, _item in helpers.streaming_bulk(
            self.client, actions(), chunk_size=500, ignore_status=(409,)
        ):
            pass

    def _swap(self, new):
        """Every language's alias onto its new index, and the old indices dropped, in one
        atomic `_aliases` call: visitors see all the old indices or all the new ones."""
        held = self._held_aliases()
        actions = []
        for language, name in new.items():
            alias = self.alias(language)
            actions += [
                {"remove_index": {"index": old}} for old in held.get(alias, []) if old != name
            ]
            actions.append({"add": {"index": name, "alias": alias, "is_write_index": True}})
            # must_exist: if a later rebuild has taken over (dropping this one's indices, which
            # the fill then wrote anew without mapping), the whole swap fails, not just this.
            actions.append(
                {
                    "remove": {
                        "index": name,
                        "alias": self.rebuilding_alias(language),
                        "must_exist": True,
                    }
                }
            )
        self.client.indices.update_aliases(actions=actions)


class IndexingFailed(Exception):
    """The cluster refused a write: the task fails, visibly, rather than lose the write."""


def _write(alias, doc_id):
    # require_alias: a write to a name that is not (or no longer) an alias fails instead of
    # quietly creating an index of that name, which would then stand in the alias's way.
    return {"index": {"_index": alias, "_id": doc_id, "require_alias": True}}
