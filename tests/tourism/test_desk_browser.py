"""The desk checks visitors in by their ticket on the manifest page, in Chromium against the
real server, signed in as the Tourism desk role, in Russian.

Headless Chromium has no camera: the test drives the path a hand-held or phone scanner takes
(it types the ticket's code into the field and presses Enter), checks that the camera's Scan
button is offered, and that without a usable camera the page says to use a scanner instead.
"""

import re

from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from tourism import services
from tourism.models import Booking

from .test_browser import make_trail_slot


def test_the_desk_checks_a_visitor_in_by_scanning_the_ticket(asgi_server_factory, browser_page):
    slot = make_trail_slot()
    booking = Booking.objects.create(
        slot=slot,
        places=3,
        adults=2,
        children=1,
        name="Ада Гостья",
        email="ada@example.org",
        language="ru",
        status=Booking.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    desk = User.objects.create_user("desk", "desk@leopard.example", "pw-desk-browser-1")
    desk.groups.add(Group.objects.get(name="Tourism desk"))
    server = asgi_server_factory(STRIPE_SECRET_KEY="", DEMO_MODE="true")
    page = browser_page

    page.goto(server.url + "/admin/login/")
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", "pw-desk-browser-1")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(server.url + f"/admin/tourism/desk/dates/{slot.pk}/manifest/")
    camera = page.get_by_role("button", name="Сканировать камерой")
    expect(camera).to_be_visible()  # unhidden by static/js/tourism_desk.js
    field = page.get_by_label(re.compile("Код билета"))
    expect(field).to_be_focused()

    code = services.check_in_code(booking)
    field.fill(code)
    field.press("Enter")
    expect(page.locator(".manifest__message--success")).to_have_text(
        f"{booking.reference} (Ада Гостья) отмечен(а): 3 места."
    )
    booking.refresh_from_db()
    at = timezone.localtime(booking.checked_in_at)
    expect(page.locator(f"#b{booking.pk}")).to_have_class(re.compile("is-checked-in"))

    # The same ticket shown again: the desk sees when it was first checked in.
    page.get_by_label(re.compile("Код билета")).fill(code)
    page.get_by_label(re.compile("Код билета")).press("Enter")
    expect(page.locator(".manifest__message--warning")).to_have_text(
        f"{booking.reference} (Ада Гостья) уже отмечен(а) в {at:%H:%M}."
    )
    booking.refresh_from_db()
    assert timezone.localtime(booking.checked_in_at) == at

    # No camera here: the page says to use a scanner or type the code.
    page.get_by_role("button", name="Сканировать камерой").click()
    expect(page.locator("[data-scan-unsupported]")).to_be_visible()
