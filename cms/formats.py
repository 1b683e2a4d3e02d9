"""Dates as the visitor's language writes them: the one helper for pages and e-mails.

`local_date(value, style)` in Python, `{{ value|local_date:"style" }}` in templates
(`{% load portal_tags %}`). The patterns are each language's own (Django's locale formats,
extended after CLDR in portal/formats/<language>/formats.py), so Chinese reads
"2026年12月5日 星期六", Russian "Суббота, 5 декабря 2026 г.", English "Saturday, December 5, 2026".
A template never writes its own pattern ("D j M" gives "星期六 5 十二月" in Chinese).

Styles: date, weekday (the date with its weekday), datetime, weekday_datetime, month (year and
month), day (a short weekday and day, for a day's navigation), time. An aware datetime is shown
in the park's time zone. Machine-readable dates (`datetime` attributes, query strings, file
names) keep ISO patterns and do not come here.
"""

import datetime
from contextlib import nullcontext

from django.utils import dateformat, formats, timezone, translation

STYLES = {
    "date": "DATE_FORMAT",
    "weekday": "WEEKDAY_DATE_FORMAT",
    "datetime": "DATETIME_FORMAT",
    "weekday_datetime": "WEEKDAY_DATETIME_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
    "day": "SHORT_WEEKDAY_FORMAT",
    "time": "TIME_FORMAT",
}


def _pattern(name):
    # Django's get_format knows only its own names; ours live in the same modules.
    for module in formats.get_format_modules(translation.get_language()):
        if hasattr(module, name):
            return getattr(module, name)
    return formats.get_format(name)


def local_date(value, style="date", language=None):
    """`value` (a date or datetime) written in `language` (default: the active one)."""
    if value in (None, ""):
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}; known: {sorted(STYLES)}")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(language) if language else nullcontext():
        return dateformat.format(value, _pattern(STYLES[style]))
