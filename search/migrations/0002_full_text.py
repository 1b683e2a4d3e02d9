"""The full-text side of the index, which depends on the database.

PostgreSQL: GIN indexes on IndexEntry.vector and IndexEntry.title_vector. SQLite: the FTS5 table search_fts, whose rowid is
the IndexEntry id and whose columns hold the prepared terms (stems, Chinese bigrams).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    # Keep the heap narrow: body and vectors move to TOAST, so counting and choosing matches
    # reads a few small rows per page instead of one wide row per page.
    "ALTER TABLE search_indexentry SET (toast_tuple_target = 256)",
    "CREATE INDEX search_entry_vector ON search_indexentry USING gin (vector)",
    "CREATE INDEX search_entry_title_vector ON search_indexentry USING gin (title_vector)",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_indexentry RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS search_entry_title_vector",
    "DROP INDEX IF EXISTS search_entry_vector",
]
SQLITE_FORWARD = [
    # remove_diacritics 0: the terms are already normalised; й must stay й.
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_fts"]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
