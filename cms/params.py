"""Numbers and dates from a request: the one parser every view uses.

A value a visitor sends is read strictly: ASCII digits only (``str.isdigit()`` also accepts
"²" and other digits that ``int()`` or the database refuse), no sign unless a negative value is
allowed, and within what PostgreSQL's columns and Python's ``datetime`` hold. A blank value is
``None`` (the parameter was not given); anything else that does not fit raises ``BadParameter``,
which Django answers with the 400 page in the visitor's language (``handler400``). A view that
prefers to ignore a bad value catches ``BadParameter``.
"""

import datetime
import re

from django.core.exceptions import BadRequest

BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint: every primary key and event id
INTEGER_MAX = 2**31 - 1
# A day or a month of arithmetic on a parsed date (the desk's "next day") stays in range.
FIRST_DATE = datetime.date(1, 2, 1)
LAST_DATE = datetime.date(9999, 11, 30)

_INTEGER = re.compile(r"-?[0-9]{1,19}")
# Plain decimal notation only: no exponent, "nan", "inf", underscores or non-ASCII digits,
# all of which float() would take.
_DECIMAL = re.compile(r"-?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class BadParameter(BadRequest):
    """A request value that is not what the parameter takes: answered with a 400."""


def _text(value):
    return value.strip() if isinstance(value, str) else value


def parse_int(value, *, min_value=0, max_value=BIGINT_MAX):
    """A whole number written in ASCII digits within [min_value, max_value]; None when blank."""
    value = _text(value)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _INTEGER.fullmatch(value):
        raise BadParameter("not a whole number")
    number = int(value)
    if not min_value <= number <= max_value:
        raise BadParameter("a number out of range")
    return number


def parse_id(value):
    """A database id (a positive bigint); None when blank."""
    return parse_int(value, min_value=1, max_value=BIGINT_MAX)


def parse_year(value, *, min_value=1, max_value=9999):
    """A calendar year ``datetime`` can hold; None when blank."""
    return parse_int(value, min_value=max(min_value, 1), max_value=min(max_value, 9999))


def parse_float(value, *, min_value, max_value):
    """A finite number in decimal notation ("0.25", "1", ".5") within [min_value, max_value];
    None when blank."""
    value = _text(value)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise BadParameter("not a number")
    number = float(value)
    if not min_value <= number <= max_value:
        raise BadParameter("a number out of range")
    return number


def parse_page(value):
    """A listing's page number: the first page when blank or not a page number (a link that
    lost its page still shows the listing); the paginator clamps a number past the end."""
    try:
        return parse_int(value, min_value=1) or 1
    except BadParameter:
        return 1


def parse_date(value, *, min_value=FIRST_DATE, max_value=LAST_DATE):
    """A date written YYYY-MM-DD that exists, within bounds; None when blank."""
    value = _text(value)
    if value is None or value == "":
        return None
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise BadParameter("not a date")
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise BadParameter("not a date") from None
    if not min_value <= day <= max_value:
        raise BadParameter("a date out of range")
    return day
