"""The site search service: one call for the search page, one for the autocomplete.

    search("леопарды", "ru", types=["cms.storypage"], page=2)

returns the page of results with highlighted snippets, facet counts by type and pagination,
and, when nothing is found, suggestions: a corrected spelling, the same search in the other
languages that have results, or all types when a type filter hid the matches.
"""

import math
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils import translation

from search import registry
from search.engines import get_engine
from search.engines.base import Hit
from search.text import CJK_RUN, clean_query

PER_PAGE = 10
MAX_TYPES = 20
# Results are paged no deeper than this: nobody reads further, and the database engine ranks
# a bounded window of matches (search.engines.database.PostgresEngine.RANK_WINDOW).
MAX_RESULTS = 200
AUTOCOMPLETE_LIMIT = 8


@dataclass(frozen=True)
class Facet:
    type: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Elsewhere:
    """The same query has results in another language."""

    language: str
    name: str
    count: int


@dataclass
class SearchResults:
    query: str
    language: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: list[Facet] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    shortened: bool = False  # the query was longer than the engines read
    spelling: list[str] = field(default_factory=list)
    elsewhere: list[Elsewhere] = field(default_factory=list)
    all_types_total: int = 0  # matches without the type filter

    @property
    def num_pages(self):
        return max(1, math.ceil(min(self.total, MAX_RESULTS) / self.per_page))

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def previous_page(self):
        return self.page - 1

    @property
    def next_page(self):
        return self.page + 1

    @property
    def start_index(self):
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def more_than_shown(self):
        """More matches than the pages reach: the visitor is asked to narrow the search."""
        return self.total > MAX_RESULTS

    @property
    def end_index(self):
        return min(self.page * self.per_page, self.total)


def search(query, language, types=None, page=1, *, per_page=PER_PAGE, engine=None):
    """Search the public index in `language`. Never raises on what a visitor can type.

    A page past the end gives the last page; unknown types are ignored; an empty query gives
    empty results. Raises SearchUnavailable only when the engine itself is down.
    """
    language = _language(language)
    cleaned = clean_query(query)
    results = SearchResults(
        query=cleaned,
        language=language,
        per_page=per_page,
        types=_types(types),
        shortened=len(" ".join(str(query or "").split())) > len(cleaned),
    )
    if not cleaned:
        return results
    engine = engine or get_engine()
    page = _page_number(page)
    found = engine.search(
        cleaned, language, types=results.types, offset=(page - 1) * per_page, limit=per_page
    )
    results.total = found.total
    last = results.num_pages
    if page > last:
        page = last
        found = engine.search(
            cleaned, language, types=results.types, offset=(page - 1) * per_page, limit=per_page
        )
    results.page = page
    results.all_types_total = sum(found.facets.values())
    with translation.override(language):
        results.hits = [replace(hit, type_label=_label(hit.type)) for hit in found.hits]
        results.facets = _facets(found.facets, results.types)
    if not results.total:
        results.spelling = engine.spelling(cleaned, language)
        results.elsewhere = [
            Elsewhere(code, name, count)
            for code, name in settings.LANGUAGES
            if code != language and (count := engine.count(cleaned, code))
        ]
    return results


def autocomplete(query, language, *, limit=AUTOCOMPLETE_LIMIT, engine=None):
    """Titles that begin like the query: [{"title", "url", "type", "type_label"}]."""
    language = _language(language)
    cleaned = clean_query(query)
    if len(cleaned) < 2 and not CJK_RUN.search(cleaned):
        return []  # one Latin or Cyrillic letter narrows nothing
    hits = (engine or get_engine()).autocomplete(cleaned, language, limit=limit)
    with translation.override(language):
        return [
            {"title": hit.title, "url": hit.url, "type": hit.type, "type_label": _label(hit.type)}
            for hit in hits
        ]


def rebuild(progress=None, engine=None):
    """Index every public record anew; `progress(source, done, total)` reports as it goes."""
    (engine or get_engine()).rebuild(registry.all_sources(), progress)


def _language(language):
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def _types(types):
    if not types:
        return []
    known = registry.known_types()
    chosen = [type_ for type_ in dict.fromkeys(types) if isinstance(type_, str) and type_ in known]
    return chosen[:MAX_TYPES]


def _page_number(page):
    try:
        return min(max(1, int(page)), MAX_RESULTS)
    except (TypeError, ValueError, OverflowError):
        return 1


def _label(type_):
    return str(registry.type_label(type_))


def _facets(counts, chosen):
    types = {**dict.fromkeys(chosen, 0), **counts}
    facets = [Facet(type_, _label(type_), count, type_ in chosen) for type_, count in types.items()]
    return sorted(facets, key=lambda facet: (-facet.count, facet.label))
