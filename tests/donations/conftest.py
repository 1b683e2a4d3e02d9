"""Campaigns, leopards to sponsor, and the two ways money arrives: the test checkout, and
Stripe faked at its HTTP boundary (the payments tests' FakeStripe)."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.utils import timezone, translation

from cms.demo import tr, upsert_page
from donations import services
from donations.models import CampaignIndexPage, CampaignPage, Donation, SuggestedAmount
from live.models import Event
from payments import local_checkout
from tests.pages import build_site_tree
from tests.payments.conftest import WEBHOOK_SECRET, FakeStripe, post_event

__all__ = ["WEBHOOK_SECRET", "post_event"]


def committed():
    """Runs what waits for the commit (e-mails, broadcasts) in a test inside a transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def deliver(event):
    """A signed Stripe event to the webhook, and what it set going after its commit."""
    with committed():
        return post_event(event)


def ensure_reference_rows():
    """Wagtail's root page and the wildlife species, which a flush in a `live_db` test removes
    (see tests/live/conftest.py)."""
    from wagtail.models import Locale, Page

    from wildlife.models import Species

    if not Page.objects.filter(depth=1).exists():
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", url_path="/"))
    Species.objects.get_or_create(
        slug="leopard",
        defaults={"scientific_name": "Panthera pardus orientalis", "name": "Amur leopard"},
    )


def build_campaigns():
    """A home page, the campaign index, an open USD campaign that takes sponsorships, a closed
    RUB campaign, and two leopards (Grace, Queen Borte)."""
    from wildlife.models import LeopardIndexPage, LeopardPage, Species

    ensure_reference_rows()
    site = build_site_tree()
    index, _ = upsert_page(
        site.home,
        CampaignIndexPage,
        **tr("slug", "podderzhat", "support", "zhichi"),
        **tr("title", "Поддержать парк", "Support the park", "支持公园"),
    )
    patrols, _ = upsert_page(
        index,
        CampaignPage,
        **tr("slug", "patruli", "patrols", "xunhu"),
        **tr("title", "Патрули", "Patrols", "巡护"),
        **tr("intro", "Помогите инспекторам", "Help the rangers", "帮助巡护员"),
        currency="USD",
        goal=Decimal("70000"),
        minimum_amount=Decimal("5"),
        maximum_amount=Decimal("5000"),
        starts_on=datetime_date(-30),
        sponsorship_allowed=True,
    )
    if not patrols.suggested_amounts.exists():
        patrols.suggested_amounts = [
            SuggestedAmount(
                amount=Decimal("25"), **tr("buys", "топливо", "fuel for a patrol", "燃油")
            ),
            SuggestedAmount(amount=Decimal("60"), **tr("buys", "фонарь", "a head torch", "头灯")),
        ]
        patrols.save_revision().publish()
    feeding, _ = upsert_page(
        index,
        CampaignPage,
        **tr("slug", "podkormka", "feeding", "touwei"),
        **tr("title", "Подкормка", "Winter feeding", "补饲"),
        currency="RUB",
        goal=Decimal("600000"),
        starts_on=datetime_date(-400),
        ends_on=datetime_date(-10),
    )
    leopards, _ = upsert_page(
        site.home,
        LeopardIndexPage,
        **tr("slug", "leopardy", "leopards", "baozi"),
        **tr("title", "Леопарды", "Leopards", "豹子"),
    )
    species = Species.objects.get(slug="leopard")
    grace, _ = upsert_page(
        leopards,
        LeopardPage,
        **tr("slug", "greys", "grace", "gelaisi"),
        **tr("title", "Грейс", "Grace", "格蕾丝"),
        **tr("name", "Грейс", "Grace", "格蕾丝"),
        code="Leo 45F",
        species=species,
        sex="female",
    )
    borte, _ = upsert_page(
        leopards,
        LeopardPage,
        **tr("slug", "borte", "borte", "boertai"),
        **tr("title", "Бортэ", "Borte", "孛儿帖"),
        **tr("name", "Бортэ", "Borte", "孛儿帖"),
        code="Leo 15F",
        species=species,
        sex="female",
    )
    return SimpleNamespace(
        site=site, index=index, patrols=patrols, feeding=feeding, grace=grace, borte=borte
    )


def datetime_date(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def site_url(settings):
    """The address e-mails link to."""
    settings.LIVE_SITE_URL = "https://leopard.example"


@pytest.fixture
def campaigns(db):
    return build_campaigns()


@pytest.fixture
def demo_checkout(settings):
    """The embedded mode: no Stripe key, DEMO_MODE and DEBUG on: the local test checkout."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.DEMO_MODE = True
    settings.DEBUG = True


class SubscriptionsFakeStripe(FakeStripe):
    """The payments tests' fake, plus cancelling a subscription (DELETE /v1/subscriptions/…)."""

    def __init__(self):
        super().__init__()
        handler = self.server.RequestHandlerClass
        handler.do_DELETE = lambda request: request._answer("DELETE")
        self.cancelled = []

    def _route(self, method, path, query, form):
        match = re.fullmatch(r"/v1/subscriptions/([^/]+)", path)
        if match and method == "DELETE":
            self.cancelled.append(match[1])
            return 200, {"id": match[1], "object": "subscription", "status": "canceled"}
        return super()._route(method, path, query, form)


@pytest.fixture(scope="session")
def _donations_fake_stripe():
    server = SubscriptionsFakeStripe()
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(_donations_fake_stripe, settings):
    _donations_fake_stripe.reset()
    _donations_fake_stripe.cancelled = []
    settings.STRIPE_SECRET_KEY = "sk_test_donations"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_donations"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = _donations_fake_stripe.url
    return _donations_fake_stripe


def gift(**overrides):
    """What a valid giving form holds (cleaned), for starting donations without HTTP."""
    return {
        "amount_minor": 2500,
        "frequency": Donation.Frequency.ONCE,
        "name": "Anna",
        "email": "anna@example.org",
        "show_name": True,
        "message": "",
        "leopard": None,
        "wants_updates": False,
        **overrides,
    }


def start(campaign, language="en", **overrides):
    """Starts a donation as the giving view does; returns (donation, checkout URL)."""
    with translation.override(language):
        url = services.start_donation(
            campaign,
            gift(**overrides),
            language=language,
            absolute=lambda path: f"https://leopard.example{path}",
        )
    return Donation.objects.select_related("payment").latest("pk"), url


def pay_with_test_checkout(donation):
    """The donor presses "Complete the test payment"."""
    donation.refresh_from_db()
    session = donation.payment.test_session
    with committed():
        _session, response = local_checkout.complete(session.session_id)
    assert response.status_code == 200, response.content
    donation.refresh_from_db()
    return donation


def progress_events(campaign):
    return list(
        Event.objects.filter(topic=campaign.live_topic, kind="campaign.progress").order_by("id")
    )


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]
