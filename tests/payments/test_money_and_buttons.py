"""Money in minor units, shown in the visitor's language; pay buttons; purposes' limits."""

from decimal import Decimal

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation

import payments
from payments.models import Payment
from payments.money import CurrencyError, format_amount, major_to_minor
from payments.services import CheckoutError
from tests.payments import purposes


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (150_000, "RUB", "ru", "1\xa0500\xa0₽"),
        (150_050, "RUB", "ru", "1\xa0500,50\xa0₽"),
        (150_000, "RUB", "en", "₽1,500"),
        (1_250, "USD", "en", "$12.50"),
        (1_250, "USD", "zh-hans", "US$12.50"),
        (99_900, "CNY", "zh-hans", "¥999"),
        (99_900, "CNY", "ru", "999\xa0CN¥"),
        (500, "EUR", "ru", "5\xa0€"),
        (123_456_789, "RUB", "zh-hans", "₽1,234,567.89"),
    ],
)
def test_amounts_in_the_visitors_language(amount, currency, language, expected):
    assert format_amount(amount, currency, language) == expected


def test_major_to_minor_refuses_fractions_of_a_kopeck():
    assert major_to_minor(Decimal("12.50"), "RUB") == 1250
    with pytest.raises(CurrencyError):
        major_to_minor(Decimal("12.505"), "RUB")
    with pytest.raises(CurrencyError):
        format_amount(100, "XYZ")


def render(source):
    return Template("{% load payments_tags %}" + source).render(Context())


def test_pay_button_enabled_with_stripe(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    html = render('{% pay_button "Pay" %}')
    assert "disabled" not in html
    assert "no money moves" not in html


def test_pay_button_marked_in_the_test_checkout(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.DEBUG = settings.DEMO_MODE = True
    with translation.override("zh-hans"):
        html = render('{% pay_button "付款" %}')
    assert "测试付款：不会扣款。" in html
    assert "disabled" not in html


def test_pay_button_disabled_in_production_without_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.DEBUG = False
    settings.DEMO_MODE = True
    with translation.override("ru"):
        html = render(
            '{% checkout_available as can_pay %}{{ can_pay }} {% pay_button "Оплатить" %}'
        )
    assert html.startswith("False")
    assert "disabled" in html
    assert "Онлайн-оплата сейчас недоступна." in html


def test_money_filter_follows_the_active_language():
    with translation.override("en"):
        assert render('{{ 150000|money:"RUB" }}') == "₽1,500"


@pytest.mark.django_db
def test_amounts_outside_the_purposes_limits_are_refused(fake_stripe, checkout):
    with pytest.raises(CheckoutError):
        checkout(9_999)  # below 100 ₽
    with pytest.raises(CheckoutError):
        checkout(10_000_001)
    with pytest.raises(CheckoutError):
        checkout(1_000, "CNY")  # a currency the purpose does not take
    with pytest.raises(CheckoutError):
        checkout(1500.0)
    assert Payment.objects.count() == 0
    assert fake_stripe.calls("POST", "/v1/checkout/sessions") == []


@pytest.mark.django_db
def test_checkout_expiry_must_suit_stripe(fake_stripe, checkout):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(CheckoutError):
        checkout(expires_at=timezone.now() + timedelta(minutes=10))
    with pytest.raises(CheckoutError):
        checkout(expires_at=timezone.now() + timedelta(hours=25))
    held_for_thirty = checkout(expires_at=timezone.now() + timedelta(minutes=30)).payment
    assert held_for_thirty.expires_at >= timezone.now() + timedelta(minutes=29, seconds=59)


def test_register_refuses_a_taken_name_and_bad_limits():
    with pytest.raises(ImproperlyConfigured):
        payments.register(purposes.SEAT, lambda payment, outcome: None, limits=purposes.LIMITS)
    with pytest.raises(ImproperlyConfigured):
        payments.register("bad", purposes.on_seat_payment, limits={"RUB": (0, 10)})
    payments.register(purposes.SEAT, purposes.on_seat_payment, limits=purposes.LIMITS)


def test_deploy_check_wants_the_webhook_secret_with_a_key(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "payments.E001" in ids
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "payments.E001" not in ids
