from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexEntry(models.Model):
    """One public record (a page, a sighting) in one language, as the database engine finds it.

    The full-text part lives beside it: on PostgreSQL the `vector` column (GIN index), on
    SQLite the FTS5 table `search_fts` whose rowid is this entry's id. Both are written by
    `search.engines.database`, never by hand.
    """

    source = models.CharField(_("source"), max_length=100)  # "page" or a model label
    object_id = models.CharField(_("object id"), max_length=64)
    language = models.CharField(_("language"), max_length=10)
    type = models.CharField(_("type"), max_length=100)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("URL"), max_length=500)
    date = models.DateField(_("date"), null=True, blank=True)
    # PostgreSQL only (SQLite leaves them empty): title weight A and body weight C, to match
    # and rank; the title alone, to find title matches first without reading whole documents.
    vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "language"], name="search_entry_once_per_language"
            )
        ]
        indexes = [models.Index(fields=["language", "type"], name="search_entry_language_type")]

    def __str__(self):
        return f"{self.language}: {self.title}"
