"""The engine behind the search service: Elasticsearch when ELASTICSEARCH_URL is set, else the
database's own full-text search (PostgreSQL or SQLite FTS5)."""

from django.conf import settings
from django.db import connection


def get_engine(name=None):
    name = name or ("elasticsearch" if settings.ELASTICSEARCH_URL else "database")
    if name == "elasticsearch":
        from search.engines.elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine.from_settings()
    from search.engines.database import PostgresEngine, SqliteEngine

    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()
