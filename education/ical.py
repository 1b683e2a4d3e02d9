"""The events list as an iCalendar feed (the text rules are in cms.ical)."""

import datetime
from dataclasses import dataclass

from cms.ical import calendar_text, escape_text, utc_stamp


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
    return calendar_text(lines)
