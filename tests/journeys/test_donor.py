"""Journeys of donors and followers: give once and monthly, sponsor a leopard, open the
certificate, sign in to the supporter page from the e-mailed link, see the receipts and stop the
monthly gift; follow a campaign's reports, confirm and unsubscribe from the e-mails; watch a campaign's
progress move on an open page while a gift is made in another.

Each runs in ru, en and zh-hans at phone and desktop width (see conftest.py).
"""

import re
import time

from playwright.sync_api import expect

from tests.journeys.conftest import text_of

# Slugs of the demo site (donations/demo.py, wildlife/demo.py).
CAMPAIGN = {
    "ru": "/ru/podderzhat/protiv-brakonerov/",
    "en": "/en/support/anti-poaching-teams/",
    "zh-hans": "/zh-hans/zhichi/fan-touliede/",
}
# "Other amount" as people write fifteen hundred dollars and fifty cents in each language.
TYPED = {"ru": "1 500,5", "en": "1,500.50", "zh-hans": "1,500.50"}
UNDERSTOOD = {"ru": "1\xa0500,50\xa0$", "en": "$1,500.50", "zh-hans": "US$1,500.50"}


def path_in(text, pattern):
    """The path of the first link in an e-mail's text whose path matches `pattern`."""
    found = re.search(r"https?://[^/\s]+(/\S*" + pattern + r"\S*)", text)
    assert found, f"no link matching {pattern!r} in:\n{text}"
    return found[1]


def mail_with(journey, address, pattern, timeout=15):
    """The text of the e-mail to `address` that holds a link matching `pattern`."""
    deadline = time.monotonic() + timeout
    while True:
        texts = [text_of(m) for m in journey.site.mail_to(address)]
        found = [t for t in texts if re.search(pattern, t)]
        if found or time.monotonic() > deadline:
            assert len(found) == 1, texts
            return found[0]
        time.sleep(0.2)


def open_campaign(journey, page=None):
    """From the home page, tap the anti-poaching campaign's card."""
    page = page or journey.page
    journey.visit(f"/{journey.language}/", page=page)
    card = page.locator(f".campaign-card a[href='{CAMPAIGN[journey.language]}']")
    journey.tap(card, page=page)
    expect(page).to_have_url(re.compile(re.escape(CAMPAIGN[journey.language]) + "$"))


def give_form_is_near_the_top(journey):
    """The form to give comes before the reports and the donor wall (issue 14)."""
    # The address changes when the new page commits; wait until all of it has been parsed.
    journey.page.wait_for_load_state()
    tops = journey.page.evaluate(
        """() => ['give-heading', 'reports-heading', 'wall-heading'].map(
            id => document.getElementById(id).getBoundingClientRect().top + window.scrollY)"""
    )
    assert tops[0] < tops[1] and tops[0] < tops[2], tops


def pay_with_test_checkout(journey, page=None):
    page = page or journey.page
    expect(page).to_have_url(re.compile(r"/payments/test-checkout/"))
    journey.tap(page.locator(".test-checkout__actions button[type=submit]").first, page=page)
    expect(page).to_have_url(re.compile(r"/donations/thanks/"))


def test_a_donor_gives_sponsors_signs_in_and_stops_the_monthly_gift(journey):
    page = journey.page
    email = journey.unique_email("donor")
    form = page.locator("form.give-form")

    # A gift once, of an amount typed as the donor's language writes it, sponsoring a leopard.
    open_campaign(journey)
    give_form_is_near_the_top(journey)
    journey.tap(form.locator("input[name=amount][value=other]"))
    journey.fill(form.locator("input[name=other_amount]"), TYPED[journey.language])
    journey.tap(form.locator("input[name=frequency][value=once]"))
    leopard = form.locator("select[name=leopard]")
    journey.select(leopard, leopard.locator("option").nth(1).get_attribute("value"))
    journey.fill(form.locator("input[name=name]"), "Anna")
    journey.fill(form.locator("input[name=email]"), email)
    journey.tap(form.locator("button[type=submit]"))

    # The page says plainly what was understood before anything is paid.
    understood = page.locator(".give-form__understood")
    expect(understood).to_contain_text(UNDERSTOOD[journey.language])
    journey.tap(form.locator("button[type=submit]"))
    expect(page.locator(".test-checkout__amount")).to_contain_text(UNDERSTOOD[journey.language])
    pay_with_test_checkout(journey)
    expect(page.locator("main")).to_contain_text(UNDERSTOOD[journey.language])

    # The certificate opens from the thanks page.
    certificate = page.locator("main a[href*='/donations/certificate/']")
    href = certificate.get_attribute("href")
    response = page.request.get(journey.url + href)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    journey.assert_reachable(certificate)

    # A monthly gift of a suggested amount, from the campaign link on the thanks page.
    journey.tap(page.locator("main .kicker a"))
    expect(page).to_have_url(re.compile(re.escape(CAMPAIGN[journey.language]) + "$"))
    journey.tap(form.locator("input[name=amount]").nth(1))
    journey.tap(form.locator("input[name=frequency][value=monthly]"))
    journey.fill(form.locator("input[name=email]"), email)
    journey.tap(form.locator("button[type=submit]"))
    pay_with_test_checkout(journey)

    # The supporter page: ask for a link, open it from the e-mail, sign in.
    journey.tap(page.locator("main a[href$='/donations/supporter/sign-in/']"))
    expect(page).to_have_url(re.compile(r"/donations/supporter/sign-in/$"))
    journey.fill(page.locator("main input[name=email]"), email)
    journey.tap(page.locator("main form button[type=submit]"))
    expect(page.locator("main input[name=email]")).to_have_count(0)
    journey.visit(
        path_in(
            mail_with(journey, email, "/donations/supporter/link/"), "/donations/supporter/link/"
        )
    )
    journey.tap(page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/donations/supporter/$"))
    expect(page.locator("main")).to_contain_text(email)

    # Two receipts; one opens.
    receipts = page.locator("section[aria-labelledby=receipts-heading] li a")
    expect(receipts).to_have_count(2)
    journey.tap(receipts.first)
    expect(page.locator(".receipt__facts")).to_be_visible()
    journey.tap(page.locator("main a[href$='/donations/supporter/']"))
    expect(page).to_have_url(re.compile(r"/donations/supporter/$"))

    # Stop the monthly gift.
    journey.tap(
        page.locator("section[aria-labelledby=monthly-heading] a[href*='/monthly/cancel/']")
    )
    expect(page).to_have_url(re.compile(r"/donations/monthly/cancel/"))
    journey.tap(page.locator("main form button[type=submit]"))
    expect(page.locator("main [role=status]")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)


def test_a_follower_follows_campaign_reports_confirms_and_unsubscribes(journey):
    """From the campaign page: e-mail me each new report; confirm, then stop, by the e-mails."""
    page = journey.page
    email = journey.unique_email("follower")

    open_campaign(journey)
    subscribe = page.locator("form.campaign-subscribe")
    journey.fill(subscribe.locator("input[type=email]"), email)
    journey.tap(subscribe.locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/donations/updates/sent/$"))

    text = mail_with(journey, email, "/donations/updates/confirm/")
    journey.visit(path_in(text, "/donations/updates/confirm/"))
    journey.tap(page.locator("main form button[type=submit]"))
    expect(page.locator("main [role=status]")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)

    journey.visit(path_in(text, "/donations/updates/stop/"))
    journey.tap(page.locator("main form button[type=submit]"))
    expect(page.locator("main [role=status]")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)


def test_two_open_pages_see_a_gift_move_the_campaign_progress(journey):
    watcher = journey.page
    open_campaign(journey, page=watcher)
    expect(watcher.locator("html")).to_have_attribute("data-live", "websocket")
    raised = watcher.locator(".campaign-page [data-progress-text=raised]")
    gifts = watcher.locator(".campaign-page [data-progress-text=gifts]")
    before = (raised.inner_text(), gifts.inner_text())
    watcher.evaluate("window.stillTheSamePage = true")

    donor = journey.new_tab()
    open_campaign(journey, page=donor)
    form = donor.locator("form.give-form")
    journey.tap(form.locator("input[name=amount]").first, page=donor)
    journey.fill(form.locator("input[name=email]"), journey.unique_email("live"), page=donor)
    journey.tap(form.locator("button[type=submit]"), page=donor)
    pay_with_test_checkout(journey, page=donor)

    expect(gifts).not_to_have_text(before[1])
    expect(raised).not_to_have_text(before[0])
    assert watcher.evaluate("window.stillTheSamePage") is True
