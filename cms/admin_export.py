"""Spreadsheet exports that staff can read: choices by their label, times in the park's time
zone, yes/no, and amounts as money rather than minor units.

Wagtail's export writes raw values (`paid`, `True`, `2025-03-01 02:00:00+00:00`); a view mixes
this in before Wagtail's IndexView and lists the exported fields in `list_export` as usual.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def readable(value):
    if isinstance(value, datetime.datetime):
        return formats.localize(timezone.localtime(value)) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return formats.localize(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return ""
    return value


class ReadableExportMixin:
    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name, value in row.items():
            try:
                field = item._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and field.choices and not callable(value):
                value = getattr(item, f"get_{name}_display")()
            elif callable(value):
                value = value()
            row[name] = readable(value)
        return row
