"""A teacher finds a material, downloads it and asks to bring a class to an event."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import text_of

TEACHER_PAGES = """
import datetime, json
from django.utils import timezone, translation
from education.models import EducationIndexPage, EventPage, ResourcePage
soon = timezone.now() + datetime.timedelta(days=5)
event = (
    EventPage.objects.live()
    .filter(start__gte=soon, start__lte=timezone.now() + datetime.timedelta(days=300))
    .order_by("start").first()
)
urls = {}
for code in ("ru", "en", "zh-hans"):
    with translation.override(code):
        urls[code] = {
            "library": EducationIndexPage.objects.live().first().localized.url,
            "events": event.get_parent().localized.url,
            "event": event.localized.url,
            "event_pk": event.pk,
        }
print(json.dumps(urls))
"""
SHOW = {"ru": "Показать", "en": "Show materials", "zh-hans": "显示"}


@pytest.fixture(scope="module")
def teacher_pages(journey_site):
    return journey_site.django_json(TEACHER_PAGES)


def test_teacher_filters_downloads_and_requests_a_class_visit_for_an_event(
    journey, journey_site, teacher_pages
):
    pages = teacher_pages[journey.language]
    page = journey.page

    # The library: filter by the pupils' age, open a material, download it.
    journey.visit(pages["library"])
    form = page.locator("form.library-filter")
    choice = form.locator("label.choice", has=page.locator("input[name=age]")).first
    age = choice.locator("input")
    journey.tap(choice)
    assert age.is_checked()
    journey.tap(form.locator("button[type=submit]"))
    page.wait_for_url(re.compile(r"[?&]age="))
    journey._pending = True
    journey.tap(page.locator(".resource-list .card__title a").first)
    download_link = page.locator("a[download]").first
    journey.assert_reachable(download_link)
    with page.expect_download() as download:
        (download_link.tap if journey.phone else download_link.click)()
    assert download.value.suggested_filename.endswith(".pdf")

    # The event: from the list of events, tap it, then the class-visit link on its page.
    journey.visit(pages["events"])
    journey.tap(page.locator(f'.event-list a[href="{pages["event"]}"]').first)
    journey.tap(page.locator(f'a[href$="?event={pages["event_pk"]}"]'))
    assert page.locator("#id_event").input_value() == str(pages["event_pk"])
    assert page.locator("#id_preferred_date").input_value() != ""

    teacher = journey.unique_email("teacher")
    journey.fill(page.locator("#id_school"), "School No. 5, Slavyanka")
    journey.fill(page.locator("#id_teacher_name"), "Anna Petrova")
    journey.fill(page.locator("#id_email"), teacher)
    journey.fill(page.locator("#id_class_size"), "20")
    journey.fill(page.locator("#id_age_from"), "9")
    journey.fill(page.locator("#id_age_to"), "10")
    journey.tap(page.locator("label[for=id_consent]"))
    journey.tap(page.locator("form.class-visit-form button[type=submit]"))
    # The tap sends the form; the answer is a new page once the server has stored the request.
    expect(page).to_have_url(re.compile(r"/class-visit/sent/$"))
    page.wait_for_load_state()
    shown = re.findall(
        r"(?<![A-Za-z0-9-])GR-[2-9A-Z]{7}(?![2-9A-Z])", page.locator("main").inner_text()
    )
    assert len(set(shown)) == 1, shown
    reference = shown[0]

    (to_teacher,) = journey_site.mail_to(teacher)
    assert reference in to_teacher["Subject"] and reference in text_of(to_teacher)
    # The education desk (replies go to the teacher) and the tourism desk: the same reference.
    deadline = time.monotonic() + 15
    while True:
        staff = [
            m
            for m in journey_site.messages()
            if teacher not in str(m["To"]) and teacher in str(m["Reply-To"]) + text_of(m)
        ]
        if len(staff) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert len(staff) >= 2, [m["Subject"] for m in staff]
    for message in staff:
        assert reference in message["Subject"] + text_of(message), message["Subject"]
