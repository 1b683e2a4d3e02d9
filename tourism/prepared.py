"""A hot query compiled to SQL once per process and database, then run with new values.

Building and compiling a Django queryset costs far more Python than running its SQL. For the
read a booking attempt makes (the date, what its page shows of the tour, the places taken and
the twin submission) it was about 1.5 ms of CPU against 0.2 ms in a quiet process, and with
500 attempts in flight it made the refusal cost three times the whole rest of the request
(docs/tourism.md, "A booking rush"). So the queryset is built once with placeholder values;
its SQL, its parameters and its compiler are kept, and each run puts the new values at the
placeholders' positions. Rows become model instances the way Django's own ModelIterable makes
them (converters, select_related, annotations), so the objects are the ones the ORM would give.
"""

import threading
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class Placeholder:
    """A value the query is built with once, and the model field that adapts values for it."""

    value: object
    field: object


@dataclass(frozen=True)
class _Compiled:
    compiler: object
    sql: str
    params: tuple
    positions: dict  # placeholder name -> indexes in params
    init_list: list
    fields_slice: slice
    related_populators: list
    annotation_col_map: dict


class PreparedQuery:
    """`build(**values)` returns the queryset; `placeholders` name its values.

    The queryset must be one Django compiles to the same SQL whatever the values (filters on
    the values, not on whether they are empty), with no ordering (`.order_by()`).
    """

    def __init__(self, build, **placeholders):
        self.build = build
        self.placeholders = placeholders
        self._compiled = {}
        self._lock = threading.Lock()

    def _compile(self, using):
        connection = connections[using]
        queryset = self.build(**{name: p.value for name, p in self.placeholders.items()})
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        positions = {}
        for name, placeholder in self.placeholders.items():
            adapted = placeholder.field.get_db_prep_value(placeholder.value, connection)
            positions[name] = [i for i, param in enumerate(params) if param == adapted]
            if not positions[name]:
                raise ImproperlyConfigured(f"{name} is not among the query's parameters")
        klass_info, select = compiler.klass_info, compiler.select
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            positions=positions,
            init_list=[column[0].target.attname for column in select[first:last]],
            fields_slice=slice(first, last),
            related_populators=get_related_populators(klass_info, select, using),
            annotation_col_map=dict(compiler.annotation_col_map),
        )

    def compiled(self, using=DEFAULT_DB_ALIAS):
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using)
                if compiled is None:
                    compiled = self._compiled[using] = self._compile(using)
        return compiled

    def first(self, using=DEFAULT_DB_ALIAS, **values):
        """The first object the query finds with these values, or None."""
        compiled = self.compiled(using)
        connection = connections[using]
        params = list(compiled.params)
        for name, value in values.items():
            adapted = self.placeholders[name].field.get_db_prep_value(value, connection)
            for index in compiled.positions[name]:
                params[index] = adapted
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        [row] = compiled.compiler.results_iter([[row]])
        model = compiled.compiler.klass_info["model"]
        obj = model.from_db(using, compiled.init_list, row[compiled.fields_slice])
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for name, position in compiled.annotation_col_map.items():
            setattr(obj, name, row[position])
        return obj
