"""iCalendar (RFC 5545) text for the apps that offer calendars (events, bookings).

A few dozen lines, so no dependency. What calendar programs need: CRLF line endings, lines
folded at 75 octets without splitting a UTF-8 character, TEXT values escaped (backslash,
semicolon, comma, newline), times in UTC, and a UID that stays the same for an item so that
updates replace it.
"""

import datetime

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value):
    value = (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line):
    """Splits a content line into chunks of at most 75 octets; continuations start with a space."""
    # An escape such as "\\n" stays on one line: lenient readers unfold it more reliably.
    units, index = [], 0
    while index < len(line):
        step = 2 if line[index] == "\\" and index + 1 < len(line) else 1
        units.append(line[index : index + step])
        index += step
    chunks, current, size = [], "", 0
    for unit in units:
        width = len(unit.encode("utf-8"))
        if size + width > MAX_OCTETS:
            chunks.append(current)
            current, size = " ", 1
        current += unit
        size += width
    chunks.append(current)
    return CRLF.join(chunks)


def calendar_text(lines):
    """Content lines joined as an iCalendar file: each folded, each ended with CRLF."""
    return CRLF.join(fold(line) for line in lines) + CRLF
