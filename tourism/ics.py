"""An iCalendar (RFC 5545) file for one booking: a few lines, so no dependency.

What calendar programs need: CRLF line endings, lines folded at 75 octets without splitting a
UTF-8 character, TEXT values escaped, times in UTC, and a UID that stays the same for a booking
so that a cancellation (METHOD:CANCEL, STATUS:CANCELLED) replaces the event.
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
    chunks, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            chunks.append(current)
            current, size = " ", 1
        current += char
        size += width
    chunks.append(current)
    return CRLF.join(chunks)


def booking_calendar(
    *, uid, start, end, summary, description, location, url, language, cancelled, now
):
    lang = f";LANGUAGE={language}" if language else ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Land of the Leopard National Park//Tours//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(start)}",
        f"DTEND:{utc_stamp(end)}",
        f"SUMMARY{lang}:{escape_text(summary)}",
        f"DESCRIPTION{lang}:{escape_text(description)}",
        f"LOCATION{lang}:{escape_text(location)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(fold(line) for line in lines) + CRLF
