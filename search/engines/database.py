"""The database engine: PostgreSQL full-text search, or SQLite FTS5 in the embedded mode.

Both keep one IndexEntry row per record and language. PostgreSQL stores a tsvector built with
the language's configuration (`russian`, `english`; Chinese as bigrams under `simple`), title
weight A and body weight C, under a GIN index. SQLite stores the prepared terms (Snowball stems,
Chinese bigrams, search.text) in the FTS5 table `search_fts`. Results put title matches first,
then order by rank; snippets and highlighting are made here (search.text), the same for both.
"""

import difflib

from django.core.cache import cache
from django.db import connection, transaction

from search import text
from search.engines.base import Engine, EngineResult, Hit
from search.models import IndexEntry
from search.registry import languages

SNIPPET_LENGTH = 240
BATCH = 500
VOCABULARY_SECONDS = 300


class DatabaseEngine(Engine):
    name = "database"

    # Searching -----------------------------------------------------------------------------

    def search(self, query, language, *, types=None, offset=0, limit=10):
        clauses = text.query_clauses(query, language)
        if not clauses:
            return EngineResult(hits=[], total=0, facets={})
        facets = self._facets(clauses, language)
        chosen = [type_ for type_ in facets if not types or type_ in types]
        total = sum(facets[type_] for type_ in chosen)
        hits = []
        if limit and total and offset < total:
            rows = self._ranked(clauses, language, chosen, offset, limit)
            hits = [self._hit(row, clauses, language) for row in rows]
        return EngineResult(hits=hits, total=total, facets=facets)

    def autocomplete(self, query, language, *, limit=8):
        clauses = text.query_clauses(query, language)
        if not clauses:
            return []
        return [self._hit(row, clauses, language) for row in self._titles(clauses, language, limit)]

    def spelling(self, query, language):
        """Each unknown word replaced by the closest word of the language's titles."""
        clauses = text.query_clauses(query, language)
        words = [clause.text for clause in clauses]
        if not words or any(clause.is_phrase or len(clause.text) == 1 for clause in clauses):
            return []  # Chinese has no spelling to correct this way
        vocabulary = self._vocabulary(language)
        corrected = []
        for word in words:
            if word in vocabulary:
                corrected.append(word)
                continue
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
            corrected.append(close[0] if close else word)
        suggestion = " ".join(corrected)
        return [suggestion] if corrected != words else []

    def _vocabulary(self, language):
        key = f"search:vocabulary:{language}"
        vocabulary = cache.get(key)
        if vocabulary is None:
            titles = IndexEntry.objects.filter(language=language).values_list("title", flat=True)
            vocabulary = sorted(
                {
                    word
                    for title in titles.iterator(chunk_size=2000)
                    for word in text.WORD.findall(text.normalize(title))
                    if len(word) > 2
                }
            )
            cache.set(key, vocabulary, VOCABULARY_SECONDS)
        return vocabulary

    def _hit(self, row, clauses, language):
        _id, type_, title, body, url, date = row
        return Hit(
            type=type_,
            title=title,
            title_html=text.highlight(title, clauses, language),
            snippet=text.highlight(body, clauses, language, max_length=SNIPPET_LENGTH),
            url=url,
            date=date,
        )

    # Writing -------------------------------------------------------------------------------

    def replace(self, source, object_id, documents):
        with transaction.atomic():
            entries = IndexEntry.objects.filter(source=source, object_id=object_id)
            self._delete_terms(entries)
            entries.delete()
            self._insert(source, object_id, documents)
        self._forget_vocabulary()

    def rebuild(self, sources, progress=None):
        # One transaction: visitors keep searching the old index until the new one commits.
        with transaction.atomic():
            self._delete_terms(None)
            IndexEntry.objects.all().delete()
            for source, total, records in sources:
                done = 0
                if progress:
                    progress(source, done, total)
                batch = []
                for object_id, documents in records:
                    batch.extend((object_id, document) for document in documents)
                    done += 1
                    if len(batch) >= BATCH:
                        self._insert_batch(source, batch)
                        batch = []
                        if progress:
                            progress(source, done, total)
                self._insert_batch(source, batch)
                if progress:
                    progress(source, done, total)
        self._forget_vocabulary()

    def _forget_vocabulary(self):
        cache.delete_many([f"search:vocabulary:{code}" for code in languages()])

    def _insert(self, source, object_id, documents):
        self._insert_batch(source, [(object_id, document) for document in documents])

    def _insert_batch(self, source, batch):
        if not batch:
            return
        entries = IndexEntry.objects.bulk_create(
            IndexEntry(
                source=source,
                object_id=object_id,
                language=document.language,
                type=document.type,
                title=document.title,
                body=document.body,
                url=document.url,
                date=document.date,
            )
            for object_id, document in batch
        )
        self._write_terms(entries)

    # Vendor-specific -----------------------------------------------------------------------

    def _facets(self, clauses, language):
        raise NotImplementedError

    def _ranked(self, clauses, language, types, offset, limit):
        raise NotImplementedError

    def _titles(self, clauses, language, limit):
        raise NotImplementedError

    def _write_terms(self, entries):
        raise NotImplementedError

    def _delete_terms(self, entries):
        """Remove the full-text rows of `entries` (None: all) before the entries go."""


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class PostgresEngine(DatabaseEngine):
    CONFIGS = {"ru": "russian", "en": "english"}
    # How many of the newest matches are ranked, besides every title match. Ranking reads each
    # candidate's whole tsvector; past a few hundred that is what makes a common word slow.
    RANK_WINDOW = 200

    def _tsquery(self, clauses, language, *, prefix=False):
        """SQL for the query's tsquery, and its parameters.

        Russian and English: plainto_tsquery, which stems and drops stop words and reads no
        operators. Chinese: every bigram of every run, under `simple` (all required, as
        Elasticsearch's cjk analyzer with operator "and" does).
        """
        config = self.CONFIGS.get(language)
        if config and not prefix:
            text_ = " ".join(clause.text for clause in clauses)
            return "plainto_tsquery(%(config)s::regconfig, %(text)s)", {
                "config": config,
                "text": text_,
            }
        parts = []
        for index, clause in enumerate(clauses):
            terms = clause.terms if not config else (clause.text,)
            part = " & ".join(_quote(term) for term in terms)
            if prefix and index == len(clauses) - 1 and not clause.is_phrase:
                part += ":*"
            parts.append(f"({part})")
        return "to_tsquery(%(config)s::regconfig, %(text)s)", {
            "config": config or "simple",
            "text": " & ".join(parts),
        }

    def search(self, query, language, *, types=None, offset=0, limit=10):
        """Facet counts and one ranked page in one statement, reading the matches once.

        Title matches come first, ranked among themselves; then the other matches, ranked
        among the newest RANK_WINDOW of them (the service pages no deeper than that).
        """
        clauses = text.query_clauses(query, language)
        if not clauses:
            return EngineResult(hits=[], total=0, facets={})
        result = self._search(clauses, language, types, offset, limit, prefix=False)
        if not result.facets and not clauses[-1].is_phrase:
            # A word cut short ("леопар", "sight") finds what autocomplete offered for it.
            result = self._search(clauses, language, types, offset, limit, prefix=True)
        return result

    def _search(self, clauses, language, types, offset, limit, *, prefix):
        tsquery, params = self._tsquery(clauses, language, prefix=prefix)
        rows = _fetch(
            f"""WITH query AS MATERIALIZED (SELECT {tsquery} AS q),
            matches AS MATERIALIZED (
                SELECT e.id, e.type FROM search_indexentry e, query
                WHERE e.language = %(language)s AND e.vector @@ query.q
            ),
            chosen AS (SELECT id FROM matches WHERE %(all)s OR type = ANY(%(types)s)),
            candidates AS (
                (SELECT id FROM chosen ORDER BY id DESC LIMIT %(window)s)
                UNION
                (SELECT e.id FROM search_indexentry e, query
                 WHERE e.language = %(language)s AND e.title_vector @@ query.q
                   AND (%(all)s OR e.type = ANY(%(types)s))
                 LIMIT %(window)s)
            ),
            page AS (
                SELECT e.id, e.type, e.title, e.body, e.url, e.date,
                       row_number() OVER (
                           ORDER BY e.title_vector @@ query.q DESC,
                                    ts_rank(e.vector, query.q) DESC, e.id DESC
                       ) AS position
                FROM search_indexentry e JOIN candidates USING (id), query
                ORDER BY position LIMIT %(limit)s OFFSET %(offset)s
            )
            SELECT position, id, type, title, body, url, date FROM page
            UNION ALL
            SELECT NULL, count(*), type, NULL, NULL, NULL, NULL FROM matches GROUP BY type""",
            {
                **params,
                "language": language,
                "all": not types,
                "types": list(types or []),
                "window": self.RANK_WINDOW,
                "limit": limit,
                "offset": offset,
            },
        )
        facets = {row[2]: row[1] for row in rows if row[0] is None}
        ranked = sorted((row for row in rows if row[0] is not None), key=lambda row: row[0])
        hits = [self._hit(row[1:], clauses, language) for row in ranked]
        total = sum(count for type_, count in facets.items() if not types or type_ in types)
        return EngineResult(hits=hits, total=total, facets=facets)

    def count(self, query, language):
        clauses = text.query_clauses(query, language)
        return sum(self._facets(clauses, language).values()) if clauses else 0

    def _facets(self, clauses, language):
        tsquery, params = self._tsquery(clauses, language)
        rows = _fetch(
            f"""SELECT e.type, count(*) FROM search_indexentry e, {tsquery} AS query
                WHERE e.language = %(language)s AND e.vector @@ query GROUP BY e.type""",
            {**params, "language": language},
        )
        return dict(rows)

    def _titles(self, clauses, language, limit):
        tsquery, params = self._tsquery(clauses, language, prefix=True)
        return _fetch(
            f"""SELECT e.id, e.type, e.title, e.body, e.url, e.date
                FROM search_indexentry e, {tsquery} AS query
                WHERE e.language = %(language)s AND e.title_vector @@ query
                ORDER BY length(e.title), e.id
                LIMIT %(limit)s""",
            {**params, "language": language, "limit": limit},
        )

    def _insert_batch(self, source, batch):
        """Rows and their tsvectors in one INSERT each: no second version of every row."""
        if not batch:
            return
        rows = []
        for object_id, document in batch:
            config = self.CONFIGS.get(document.language)
            if config:
                title_terms, body_terms = document.title, document.body
            else:
                title_terms = text.document_terms(document.title, document.language)
                body_terms = text.document_terms(document.body, document.language)
            rows.append(
                {
                    "source": source,
                    "object_id": object_id,
                    "language": document.language,
                    "type": document.type,
                    "title": document.title,
                    "body": document.body,
                    "url": document.url,
                    "date": document.date,
                    "config": config or "simple",
                    "title_terms": title_terms,
                    "body_terms": body_terms,
                }
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                """INSERT INTO search_indexentry
                       (source, object_id, language, type, title, body, url, date, indexed_at,
                        title_vector, vector)
                   VALUES (%(source)s, %(object_id)s, %(language)s, %(type)s, %(title)s,
                       %(body)s, %(url)s, %(date)s, now(),
                       setweight(to_tsvector(%(config)s::regconfig, %(title_terms)s), 'A'),
                       setweight(to_tsvector(%(config)s::regconfig, %(title_terms)s), 'A')
                       || setweight(to_tsvector(%(config)s::regconfig, %(body_terms)s), 'C'))""",
                rows,
            )

    def rebuild(self, sources, progress=None):
        super().rebuild(sources, progress)
        # A bulk load lands in the GIN indexes' pending lists, which every search would scan
        # until the next vacuum: merge them into the indexes now.
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('search_entry_vector'::regclass)")
            cursor.execute("SELECT gin_clean_pending_list('search_entry_title_vector'::regclass)")


class SqliteEngine(DatabaseEngine):
    COLUMNS = "e.id, e.type, e.title, e.body, e.url, e.date"
    JOIN = "search_fts JOIN search_indexentry e ON e.id = search_fts.rowid"

    def _match(self, clauses, *, prefix=False):
        """An FTS5 query: every term quoted (so nothing in it is syntax), all required."""
        parts = []
        for index, clause in enumerate(clauses):
            part = " AND ".join('"' + term.replace('"', '""') + '"' for term in clause.terms)
            if prefix and index == len(clauses) - 1 and not clause.is_phrase:
                part += "*"
            parts.append(part)
        return " AND ".join(parts)

    def _facets(self, clauses, language):
        rows = _fetch(
            f"""SELECT e.type, count(*) FROM {self.JOIN}
                WHERE search_fts MATCH %s AND e.language = %s GROUP BY e.type""",
            [self._match(clauses), language],
        )
        return dict(rows)

    def _ranked(self, clauses, language, types, offset, limit):
        match = self._match(clauses)
        placeholders = ", ".join(["%s"] * len(types))
        return _fetch(
            f"""SELECT {self.COLUMNS} FROM {self.JOIN}
                WHERE search_fts MATCH %s AND e.language = %s AND e.type IN ({placeholders})
                ORDER BY e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) DESC,
                         bm25(search_fts, 10.0, 1.0), e.id
                LIMIT %s OFFSET %s""",
            [match, language, *types, f"title : ({match})", limit, offset],
        )

    def _titles(self, clauses, language, limit):
        return _fetch(
            f"""SELECT {self.COLUMNS} FROM {self.JOIN}
                WHERE search_fts MATCH %s AND e.language = %s
                ORDER BY bm25(search_fts, 10.0, 1.0), length(e.title), e.id
                LIMIT %s""",
            [f"title : ({self._match(clauses, prefix=True)})", language, limit],
        )

    def _write_terms(self, entries):
        ids = [entry.id for entry in entries]
        with connection.cursor() as cursor:
            # Rows a test-database flush left behind (Django does not know this table).
            cursor.execute(
                f"DELETE FROM search_fts WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids
            )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [
                    (
                        entry.id,
                        text.document_terms(entry.title, entry.language),
                        text.document_terms(entry.body, entry.language),
                    )
                    for entry in entries
                ],
            )

    def _delete_terms(self, entries):
        with connection.cursor() as cursor:
            if entries is None:
                cursor.execute("DELETE FROM search_fts")
                return
            ids = list(entries.values_list("id", flat=True))
            if ids:
                cursor.execute(
                    f"DELETE FROM search_fts WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids
                )


def _quote(term):
    return "'" + term.replace("\\", "").replace("'", "''") + "'"
