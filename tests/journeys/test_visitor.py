"""A visitor books a tour: pays, is mailed, adds it to a calendar and cancels; waits for a full
date; and sees the places change live in another tab. Each in three languages, phone and desktop.
"""

import re
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import text_of

# Set-up outside the journey: the Leopard Trail's listed dates, its URL in the tab's language.
TRAIL = """
import json
from django.utils import translation
from tourism.models import TourPage
trail = TourPage.objects.get(slug_en="leopard-trail")
with translation.override({language!r}):
    url = trail.get_url()
rows = [
    {{"id": s.pk, "remaining": s.remaining, "start": s.starts_at.isoformat(),
      "bookable": s.bookable_state() is None, "capacity": s.capacity}}
    for s in trail.listed_slots()
]
print(json.dumps({{"url": url, "tour": trail.pk, "slots": rows}}))
"""


def trail(journey):
    return journey.site.django_json(TRAIL.format(language=journey.language))


def pick(journey, slots, *, start=0, need=3, untouched=False):
    """A bookable date with room, spread over the dates by the run's name."""
    fit = [
        s
        for s in slots[start:]
        if s["bookable"]
        and s["remaining"] >= need
        and (not untouched or s["remaining"] == s["capacity"])
    ]
    assert fit, "no date left to book"
    return fit[zlib.crc32(f"{journey.language}{journey.width}".encode()) % len(fit)]


def row(journey, slot_id, page=None):
    return (page or journey.page).locator(f'tr[data-slot="{slot_id}"]')


def fill_party(journey, adults, name, email):
    page = journey.page
    journey.fill(page.locator("#id_adults"), str(adults))
    journey.fill(page.locator("#id_name"), name)
    journey.fill(page.locator("#id_email"), email)
    journey.tap(page.locator("#id_consent"))


def test_a_visitor_books_pays_adds_to_a_calendar_and_cancels(journey):
    site = trail(journey)
    slot = pick(journey, site["slots"])
    email = journey.unique_email()
    page = journey.page
    journey.visit(site["url"])
    date = row(journey, slot["id"])
    expect(date.locator(f'[data-slot-wait="{slot["id"]}"]')).to_be_hidden()
    journey.tap(date.locator(f'[data-slot-book="{slot["id"]}"]'))

    total = page.locator("[data-booking-total]")
    before = total.inner_text()
    fill_party(journey, 2, "Ada Visitor", email)
    expect(total).not_to_have_text(before)  # the total follows the party before paying
    journey.tap(page.locator("form.booking-form button[type=submit]"))
    page.wait_for_url(re.compile(r"/payments/test-checkout/"))
    journey.tap(page.locator('form[action*="complete"] button'))
    page.wait_for_url(re.compile(r"/tours/booking/.+\?paid=1"))
    expect(page.locator('[data-booking-status="confirmed"]')).to_be_visible()

    [confirmation] = journey.site.mail_to(email)
    path = re.search(r"https?://[^/\s]+(/\S+/tours/booking/\S+/)", text_of(confirmation)).group(1)
    assert path.startswith(f"/{journey.language}/")
    journey.visit(path)
    with page.expect_download() as download:
        journey.tap(page.locator('a[href$="calendar.ics"]'))
    calendar = Path(download.value.path()).read_bytes().decode()
    lines = calendar.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert "BEGIN:VEVENT" in lines and "STATUS:CONFIRMED" in lines
    start = datetime.fromisoformat(slot["start"]).astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in lines

    journey.tap(page.locator('a[href$="/cancel/"]'))
    journey.tap(page.locator("form button.button--danger"))
    page.wait_for_url(re.compile(r"\?cancelled=1$"))
    expect(page.locator('[data-booking-status="cancelled"]')).to_be_visible()
    assert len(journey.site.mail_to(email, count=2)) == 2


FILL = """
from tourism import services
from tourism.models import Booking, Slot
slot = Slot.objects.get(pk={slot})
free = slot.capacity - services.places_taken(slot)
for places, who in ((free - 2, "rest"), (2, "last")):
    Booking.objects.create(
        slot=slot, status=Booking.Status.CONFIRMED, places=places, adults=places,
        name="Journey", email=f"{{who}}-{slot}@example.org", language="ru",
    )
"""

CANCEL_LAST = """
from tourism import services
from tourism.models import Booking
services.cancel_booking(Booking.objects.get(email="last-{slot}@example.org"))
"""


def test_a_full_date_offers_the_waiting_list_and_a_freed_place_goes_to_the_first(journey):
    site = trail(journey)
    slot = pick(journey, site["slots"], untouched=True)
    journey.site.django(FILL.format(slot=slot["id"]))
    page = journey.page
    first, second = journey.unique_email("first"), journey.unique_email("second")
    for email in (first, second):
        journey.visit(site["url"])
        date = row(journey, slot["id"])
        expect(date.locator(f'[data-slot-book="{slot["id"]}"]')).to_be_hidden()
        journey.tap(date.locator(f'[data-slot-wait="{slot["id"]}"]'))
        fill_party(journey, 2, "Wait Visitor", email)
        journey.tap(page.locator("form.booking-form button[type=submit]"))
        expect(page.locator('a[href*="/waiting-list/"][href$="/leave/"]')).to_be_visible()
        journey.site.mail_to(email)  # "you are on the list", with the way off it

    journey.site.django(CANCEL_LAST.format(slot=slot["id"]))
    offer = journey.site.mail_to(first, count=2)[-1]
    assert re.search(r"/tours/booking/\S+/", text_of(offer))
    assert len(journey.site.mail_to(second)) == 1


def test_another_tab_sees_the_places_change_live(journey):
    site = trail(journey)
    assert len(site["slots"]) > 8
    slot = pick(journey, site["slots"], start=8)
    page, other = journey.page, journey.new_tab()
    journey.visit(site["url"], page=other)
    places = other.locator(f'[data-slot-remaining="{slot["id"]}"]')
    # A locator, not wait_for_function: the page's CSP forbids the eval its polling needs.
    expect(other.locator("html")).to_have_attribute("data-live", "websocket")
    before = places.inner_text()
    other.evaluate("window.stillTheSamePage = true")

    journey.visit(site["url"])
    journey.tap(row(journey, slot["id"]).locator(f'[data-slot-book="{slot["id"]}"]'))
    fill_party(journey, 1, "Live Visitor", journey.unique_email("live"))
    journey.tap(page.locator("form.booking-form button[type=submit]"))
    page.wait_for_url(re.compile(r"/payments/test-checkout/"))

    expect(places).not_to_have_text(before)
    assert re.search(r"\d+", places.inner_text()).group(0) != re.search(r"\d+", before).group(0)
    assert other.evaluate("window.stillTheSamePage === true")  # updated, not reloaded


POPULATION = """
from django.utils import translation
from wildlife.models import PopulationPage
with translation.override({language!r}):
    print(PopulationPage.objects.live().first().get_url())
"""


@pytest.mark.journey_widths("phone")
def test_the_population_table_fits_a_phone(journey):
    url = journey.site.django(POPULATION.format(language=journey.language)).strip().splitlines()[-1]
    journey.visit(url)  # the visit checks that nothing is wider than the viewport
    expect(journey.page.locator(".population-table")).to_be_visible()
