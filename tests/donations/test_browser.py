"""In Chromium: a donor gives monthly through the test checkout, sponsoring a named leopard,
and the campaign's progress bar on another open page moves without a reload."""

import re

from playwright.sync_api import expect

from donations.models import Donation
from live.models import Follower
from tests.donations.conftest import build_campaigns


def test_a_monthly_sponsor_moves_the_bar_on_another_open_page(asgi_server_factory, browser_page):
    campaigns = build_campaigns()
    server = asgi_server_factory()
    url = f"{server.url}/en/support/patrols/"

    watcher = browser_page
    watcher.goto(url)
    expect(watcher.locator("html")).to_have_attribute("data-live", "websocket")
    bar = watcher.locator("[data-progress-bar]")
    expect(bar).to_have_attribute("value", "0")
    watcher.evaluate("window.stillTheSamePage = true")

    donor = watcher.context.new_page()
    donor.goto(url)
    donor.get_by_label("monthly", exact=True).check()
    donor.get_by_label("Other amount ($)").check()
    donor.locator("#id_other_amount").fill("5000")
    donor.get_by_label("Sponsor a leopard (optional)").select_option(label="Grace (Leo 45F)")
    donor.get_by_label("Your name").fill("Anna <b>Petrova</b>")
    donor.get_by_label("E-mail", exact=True).fill("anna@example.org")
    donor.get_by_role("button", name="Continue to payment").click()
    expect(donor.locator("[role=alert]").first).to_contain_text("without HTML tags")
    donor.get_by_label("Your name").fill("Anna Petrova")
    donor.get_by_label("Show my name on the donor wall").check()
    donor.get_by_role("button", name="Continue to payment").click()

    expect(donor).to_have_url(re.compile(r"/en/payments/test-checkout/"))
    expect(donor.locator(".test-checkout__amount")).to_contain_text("$5,000 per month")
    donor.get_by_role("button", name="Complete the test payment").click()

    expect(donor).to_have_url(re.compile(r"/en/donations/thanks/"))
    expect(donor.locator("main")).to_contain_text("Your monthly gift of $5,000 has started.")
    expect(donor.locator("main")).to_contain_text("You now sponsor Grace")

    # The other page, untouched since it loaded, shows the new total.
    expect(bar).to_have_attribute("value", "71")
    expect(watcher.locator("[data-progress-text=raised]")).to_have_text("$5,000")
    expect(watcher.locator("[data-progress-text=percent]")).to_have_text("7.1% of the goal")
    expect(watcher.locator("[data-progress-text=gifts]")).to_have_text("1 donation")
    assert watcher.evaluate("window.stillTheSamePage") is True

    donation = Donation.objects.get()
    assert (donation.frequency, donation.status, donation.leopard_id) == (
        "monthly",
        "paid",
        campaigns.grace.pk,
    )
    assert Follower.objects.get(email="anna@example.org").status == "active"


def test_the_emailed_sign_in_link_opens_the_supporter_page_in_a_browser(
    asgi_server_factory, browser_page
):
    """The link's page keeps its token out of other sites' Referer, yet its own POST carries
    the page's Origin: with `no-referrer` Chromium sent `Origin: null` and CSRF answered 403."""
    from donations import services
    from donations.models import Supporter

    build_campaigns()
    supporter = Supporter.objects.create(email="sign-in@example.org", language="en")
    token = services.sign_in_token(supporter)
    server = asgi_server_factory()

    page = browser_page
    origins = []
    page.on(
        "request",
        lambda request: request.method == "POST" and origins.append(request.headers.get("origin")),
    )
    page.goto(f"{server.url}/en/donations/supporter/link/{token}/")
    response_statuses = []
    page.on("response", lambda response: response_statuses.append(response.status))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/en/donations/supporter/$"))
    expect(page.locator("h1")).to_have_text("Your supporter page")
    expect(page.locator("main")).to_contain_text("Signed in as sign-in@example.org.")
    assert origins == [server.url]
    assert 403 not in response_statuses
