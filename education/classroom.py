"""Classroom data: published sightings counted by month and park sector, for pupils to work with.

The one place that reads the wildlife app. wildlife publishes public, already-generalised rows
(`monthly_sector_counts(species=None)`: year, month, sector code, sector name per language,
species, count). This adapter still keeps only those columns and sums rows to month x sector x
species, so that nothing finer than a month and a sector can reach a pupil's spreadsheet even if
a richer row ever came through.
"""

import csv
import io
from collections import defaultdict
from typing import NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.i18n import fallback_chain

# Common names for the species pupils meet in the data; any other name is shown as given.
SPECIES_NAMES = {
    "panthera pardus orientalis": gettext_lazy("Amur leopard"),
    "leopard": gettext_lazy("Amur leopard"),
    "panthera tigris altaica": gettext_lazy("Amur tiger"),
    "tiger": gettext_lazy("Amur tiger"),
}


# wildlife names places outside the park's sectors by their grid cell ("cell-43.1n-131.3e"):
# finer than a sector, so classroom data counts them together as one "outside" place.
GRID_CELL_PREFIX = "cell-"
OUTSIDE_CODE = "outside"


class ClassroomRow(NamedTuple):
    year: int
    month: int
    sector_code: str
    sector_name: str
    species: str
    count: int


def wildlife_source():
    """wildlife's public function, or None while the wildlife app does not provide it yet."""
    try:
        from wildlife.services import monthly_sector_counts
    except ImportError:
        try:
            from wildlife.public import monthly_sector_counts
        except ImportError:
            return None
    return monthly_sector_counts


def classroom_rows(species=None, source=None, language=None):
    """Rows for the active (or given) language, aggregated by year, month, sector and species."""
    source = source or wildlife_source()
    if source is None:
        return []
    language = language or translation.get_language()
    totals = defaultdict(int)
    names = {}
    for row in source(species=species):
        try:
            year, month = int(_value(row, "year")), int(_value(row, "month"))
            count = int(_value(row, "count"))
        except (TypeError, ValueError):
            continue
        sector_code = str(_value(row, "sector_code") or _value(row, "sector") or "").strip()
        if not (1 <= month <= 12 and 1900 < year < 3000 and count >= 0 and sector_code):
            continue
        if sector_code.startswith(GRID_CELL_PREFIX):
            sector_code = OUTSIDE_CODE
            with translation.override(language):
                names[OUTSIDE_CODE] = _("Outside the park's sectors")
        species_name = _species_name(row, language)
        totals[(year, month, sector_code, species_name)] += count
        names.setdefault(sector_code, _localized(row, "sector_name", language) or sector_code)
    return [
        ClassroomRow(year, month, code, names[code], species_name, total)
        for (year, month, code, species_name), total in sorted(totals.items())
    ]


def _value(row, name):
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name, None)


def _localized(row, name, language):
    """A per-language value given as {"ru": ..} or as name_ru / name_zh_hans columns."""
    value = _value(row, name)
    for code in fallback_chain(language):
        if isinstance(value, dict) and value.get(code):
            return str(value[code])
        column = _value(row, f"{name}_{code.replace('-', '_')}")
        if column:
            return str(column)
    return str(value) if value and not isinstance(value, dict) else ""


def _species_name(row, language):
    localized = _localized(row, "species_name", language)
    if localized:
        return localized
    species = _value(row, "species")
    if isinstance(species, dict):
        return _localized(row, "species", language)
    species = str(species or "").strip()
    with translation.override(language):
        return str(SPECIES_NAMES.get(species.lower().replace("-", " "), species))


def _safe_cell(value):
    """Spreadsheets run cells that start with = + - @ as formulas: never from our data."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def classroom_csv(rows):
    """CSV text with headers in the active language; a BOM so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [_("Year"), _("Month"), _("Sector code"), _("Sector"), _("Species"), _("Sightings")]
    )
    for row in rows:
        writer.writerow(
            [
                row.year,
                row.month,
                _safe_cell(row.sector_code),
                _safe_cell(row.sector_name),
                _safe_cell(row.species),
                row.count,
            ]
        )
    return buffer.getvalue()


def month_totals(rows):
    """Sightings per (year, month), for the worksheet's first questions."""
    totals = defaultdict(int)
    for row in rows:
        totals[(row.year, row.month)] += row.count
    return [{"year": y, "month": m, "count": c} for (y, m), c in sorted(totals.items())]


def sector_totals(rows):
    totals, names = defaultdict(int), {}
    for row in rows:
        totals[row.sector_code] += row.count
        names[row.sector_code] = row.sector_name
    return [
        {"code": code, "name": names[code], "count": count}
        for code, count in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]
