"""What every search engine offers the search service, and what it hands back."""

import datetime
from dataclasses import dataclass, field

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Hit:
    """One result: its title and snippet are HTML in which only our <mark> is markup."""

    type: str
    title: str
    title_html: SafeString
    snippet: SafeString
    url: str
    date: datetime.date | None = None
    type_label: str = ""  # filled in by the service


@dataclass(frozen=True)
class EngineResult:
    hits: list[Hit]
    total: int  # matches of the chosen types
    facets: dict[str, int] = field(default_factory=dict)  # matches per type, whatever is chosen


class SearchUnavailable(Exception):
    """The engine cannot answer now (a search cluster down): the visitor is told to retry."""


class Engine:
    """The operations the service and the indexing tasks use; see DatabaseEngine for one."""

    name = ""

    def search(self, query, language, *, types=None, offset=0, limit=10) -> EngineResult:
        raise NotImplementedError

    def count(self, query, language) -> int:
        return self.search(query, language, limit=0).total

    def autocomplete(self, query, language, *, limit=8) -> list[Hit]:
        raise NotImplementedError

    def spelling(self, query, language) -> list[str]:
        """Queries close to `query` that the index has words for (did you mean…)."""
        return []

    def replace(self, source, object_id, documents):
        """Make `documents` the only entries of one record (none: the record leaves the index)."""
        raise NotImplementedError

    def remove(self, source, object_id):
        self.replace(source, object_id, [])

    def rebuild(self, sources, progress=None):
        """Index everything anew from `sources` (see registry.all_sources); search stays up."""
        raise NotImplementedError
