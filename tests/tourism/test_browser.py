"""A visitor books the Leopard Trail in Chromium against the real server, pays through the
test checkout, gets the confirmation by e-mail and cancels through its link.
"""

import email
import re
from datetime import timedelta
from email import policy

from django.utils import timezone, translation
from playwright.sync_api import expect

from payments.models import Payment
from tests.pages import build_site_tree
from tourism.models import Booking, Slot

from .conftest import build_tours


def read_mail(folder):
    """Every message the server process wrote with Django's file e-mail backend."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw.strip(), policy=policy.default))
    return messages


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def make_trail_slot():
    tour = build_tours(build_site_tree().home)[1]
    return Slot.objects.create(
        tour=tour,
        starts_at=timezone.now() + timedelta(days=10),
        capacity=12,
        price_adult=500,
        price_child=250,
        price_pupil=200,
    )


def test_a_visitor_books_pays_is_mailed_and_cancels(asgi_server_factory, browser_page, tmp_path):
    # Made here, not in a fixture: the browser's event loop runs from the session's start, and
    # browser_page is what lets this synchronous test use the ORM beside it.
    trail_slot = make_trail_slot()
    outbox = tmp_path / "mail"
    outbox.mkdir()
    server = asgi_server_factory(
        STRIPE_SECRET_KEY="", DEMO_MODE="true", EMAIL_URL=f"filemail:///{outbox}"
    )
    page = browser_page
    with translation.override("en"):
        tour_url = trail_slot.tour.get_url()

    # Another visitor watches the same tour page: it follows the places live.
    watcher = page.context.new_page()
    watcher.goto(server.url + tour_url)
    watched = watcher.locator(f'[data-slot-remaining="{trail_slot.pk}"]')
    assert watched.inner_text() == "12 places left"
    # A locator, not wait_for_function: the page's CSP forbids the eval its polling needs.
    expect(watcher.locator("html")).to_have_attribute("data-live", "websocket")

    page.goto(server.url + tour_url)
    row = page.locator(f'tr[data-slot="{trail_slot.pk}"]')
    assert row.locator("[data-slot-remaining]").inner_text() == "12 places left"
    row.get_by_role("link", name="Book").click()

    page.get_by_label("Adults").fill("2")
    page.get_by_label("Children under 14").fill("1")
    page.get_by_label("Your name").fill("Ada Visitor")
    page.get_by_label("E-mail").fill("ada@example.org")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Continue to payment").click()

    page.wait_for_url(re.compile(r"/en/payments/test-checkout/"))
    assert "₽1,250" in page.content()
    page.get_by_role("button", name="Complete the test payment").click()
    page.wait_for_url(re.compile(r"/en/tours/booking/.+\?paid=1"))
    assert "Your places are confirmed" in page.content()
    expect(watched).to_have_text("9 places left")

    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.adults, booking.children, booking.language) == (2, 1, "en")
    [confirmation] = read_mail(outbox)
    assert confirmation["To"] == "ada@example.org"
    assert booking.reference in confirmation["Subject"]
    attachments = list(confirmation.iter_attachments())
    assert [a.get_filename() for a in attachments] == [
        f"{booking.reference}.ics",
        f"{booking.reference}-ticket.png",
    ]
    link = re.search(r"https?://\S+/en/tours/booking/\S+/", body_of(confirmation)).group(0)

    page.goto(server.url + "/en/" + link.split("/en/", 1)[1])
    assert booking.reference in page.content()
    page.get_by_role("link", name="Cancel this booking").click()
    # The click starts a navigation: wait for the page it leads to, not the document in between.
    page.wait_for_url(re.compile(r"/cancel/$"))
    expect(page.locator("main")).to_contain_text("we refund ₽1,250")
    page.get_by_role("button", name="Cancel the booking").click()
    page.wait_for_url(re.compile(r"\?cancelled=1$"))
    assert "Your booking is cancelled" in page.content()

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Payment.objects.get().status == Payment.Status.REFUNDED
    subjects = [m["Subject"] for m in read_mail(outbox)]
    assert any("cancelled" in subject for subject in subjects)

    page.goto(server.url + tour_url)
    assert row.locator("[data-slot-remaining]").inner_text() == "12 places left"
