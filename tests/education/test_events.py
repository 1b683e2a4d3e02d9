import datetime
import re

from django.utils import timezone

from cms import ical as cms_ical
from education.models import EventIndexPage, EventPage
from education.sections import home_events


def titles(html):
    return re.findall(r'class="card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', html)


def test_upcoming_list_shows_running_and_future_events_soonest_first(client, events):
    html = client.get("/en/events/").content.decode()
    upcoming = html.split('id="upcoming-heading"')[1].split('id="past-heading"')[0]
    assert titles(upcoming) == ["Event running", "Event soon", "Event later"]
    past = html.split('id="past-heading"')[1]
    assert titles(past) == ["Event past"]


def test_event_page_says_when_where_for_whom_and_how_to_take_part(client, events):
    html = client.get("/zh-hans/huodong/soon-zh/").content.decode()
    assert "活动 soon" in html
    assert "游客中心" in html and "家庭" in html and "欢迎参加" in html
    local_start = timezone.localtime(events.soon.start)
    assert f'<time datetime="{local_start.isoformat()}">' in html
    assert 'href="/zh-hans/huodong/soon-zh/calendar/"' in html


def unfold(text):
    return text.replace("\r\n ", "")


def test_calendar_subscription_is_valid_icalendar(client, events):
    response = client.get("/ru/sobytiya/calendar/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    # Every line ends in CRLF, no bare LF, no line longer than 75 octets.
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    lines = unfold(body).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 4
    for uid in (events.past.pk, events.running.pk, events.soon.pk, events.later.pk):
        assert f"UID:education-event-{uid}@land-of-the-leopard" in lines
    assert "SUMMARY;LANGUAGE=ru:Событие soon" in lines
    start = events.soon.start.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines


def test_calendar_of_one_event(client, events):
    body = client.get("/en/events/later/calendar/").content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY;LANGUAGE=en:Event later" in body


def test_text_is_escaped_and_long_lines_fold_without_breaking_characters():
    assert cms_ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "豹" * 60 + "\\n" + "x" * 40
    folded = cms_ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert unfold(folded) == line
    for part in parts:
        part.encode().decode()  # no UTF-8 character split between lines
        assert not part.endswith("\\") or part.endswith("\\\\")


def test_home_page_shows_the_next_events(client, events):
    html = client.get("/en/").content.decode()
    section = html.split('id="home-events"')[1]
    assert titles(section)[:3] == ["Event running", "Event soon", "Event later"]


def test_home_section_is_hidden_without_upcoming_events(rf, events):
    for event in (events.running, events.soon, events.later):
        event.unpublish()
    assert home_events(rf.get("/"), events.tree.home) is None


def test_event_tree_rules():
    assert EventIndexPage.parent_page_types == ["cms.HomePage"]
    assert EventPage.parent_page_types == ["education.EventIndexPage"]
