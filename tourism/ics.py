"""An iCalendar file for one booking (text rules in cms.ical). The UID stays the same for a
booking, so a cancellation (METHOD:CANCEL, STATUS:CANCELLED) replaces the event."""

from cms.ical import calendar_text, escape_text, utc_stamp


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
    return calendar_text(lines)
