"""iCalendar (RFC 5545) for the events list: a few dozen lines, so no dependency.

What matters for calendar programs: CRLF line endings, lines folded at 75 octets without
splitting a UTF-8 character, TEXT values escaped (backslash, semicolon, comma, newline),
times in UTC, and a UID that stays the same for an event so that updates replace it.
"""

import datetime
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime.datetime
    end: datetime.datetime | None
    summary: str
    description: str
    location: str
    url: str
    last_modified: datetime.datetime | None = None


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


def build_calendar(name, events, *, language, now):
    lang = f";LANGUAGE={language}" if language else ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Land of the Leopard National Park//Events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc_stamp(now)}",
            f"DTSTART:{utc_stamp(event.start)}",
        ]
        if event.end:
            lines.append(f"DTEND:{utc_stamp(event.end)}")
        lines.append(f"SUMMARY{lang}:{escape_text(event.summary)}")
        if event.description:
            lines.append(f"DESCRIPTION{lang}:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION{lang}:{escape_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.last_modified:
            lines.append(f"LAST-MODIFIED:{utc_stamp(event.last_modified)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
