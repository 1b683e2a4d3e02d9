"""Tours, dates and bookings for tourism's tests, built as the demo builds them."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.demo import tr, upsert_page
from payments import local_checkout
from payments.models import TestCheckoutSession
from tests.pages import build_site_tree
from tourism.models import Slot, TourIndexPage, TourPage
from tourism.services import Contact, Party, hold_places, start_payment

_minutes = itertools.count(0)


def build_tours(home):
    index, _ = upsert_page(
        home,
        TourIndexPage,
        **tr("slug", "ekskursii", "tours", "daolan"),
        **tr("title", "Экскурсии", "Guided tours", "导览游"),
    )
    trail, _ = upsert_page(
        index,
        TourPage,
        **tr("slug", "tropa-leoparda", "leopard-trail", "bao-zhi-xiaojing"),
        **tr("title", "Тропа леопарда", "The Leopard Trail", "豹之小径"),
        **tr("itinerary", "Кольцо через гору Бусленко", "A loop over Mount Buslenko", "环线"),
        **tr("meeting_point", "Визит-центр, Барабаш", "Visitor centre, Barabash", "游客中心"),
        length_km=Decimal("1.8"),
        duration_minutes=90,
        minimum_age=0,
    )
    return index, trail


@pytest.fixture
def tour(db):
    tree = build_site_tree()
    _index, trail = build_tours(tree.home)
    return trail


@pytest.fixture
def checkout(settings):
    """The embedded mode's test checkout: no Stripe key, DEMO_MODE and DEBUG on."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.DEMO_MODE = True
    settings.DEBUG = True
    settings.TOURISM_SITE_URL = "https://leopard.example"


@pytest.fixture
def make_slot(tour):
    def make(**fields):
        # Distinct start times: a tour has one date per start time.
        start = timezone.now() + datetime.timedelta(days=7, minutes=next(_minutes))
        values = {
            "tour": tour,
            "starts_at": start,
            "capacity": 10,
            "price_adult": 500,
            "price_child": 250,
            "price_pupil": 200,
            "max_party": 8,
            **fields,
        }
        return Slot.objects.create(**values)

    return make


@pytest.fixture
def slot(make_slot):
    return make_slot()


def contact(name="Анна", email="anna@example.org", language="ru"):
    return Contact(name=name, email=email, language=language)


def book(slot, adults=1, children=0, language="ru", email="anna@example.org", **kwargs):
    booking, _created = hold_places(
        slot.pk,
        Party(adults=adults, children=children),
        contact(email=email, language=language),
        **kwargs,
    )
    return booking


def open_checkout(booking):
    start_payment(
        booking,
        success_url="https://leopard.example/ru/ok/",
        cancel_url="https://leopard.example/ru/cancel/",
    )
    booking.refresh_from_db()
    return TestCheckoutSession.objects.get(payment=booking.payment)


def pay(booking):
    """The visitor opens the checkout and pays; the signed event reaches the webhook."""
    session = open_checkout(booking)
    _session, response = local_checkout.complete(session.session_id)
    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    return booking


@pytest.fixture
def desk_user(django_user_model, db):
    user = django_user_model.objects.create_user("desk", "desk@leopard.example", "pw-desk-1")
    user.groups.add(Group.objects.get(name="Tourism desk"))
    return user
