"""The embedded mode's test checkout: same webhook, same code, no money moves."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

import payments
from payments.models import Payment, WebhookEvent
from payments.services import CheckoutUnavailable
from tests.payments.conftest import effects

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_checkout(demo_checkout, checkout):
    return checkout(
        language="ru",
        success_url="http://testserver/ru/thanks/",
        cancel_url="http://testserver/ru/back/",
    )


@pytest.mark.parametrize(
    ("language", "marking"),
    [
        ("ru", "Тестовый платёж: деньги не списываются."),
        ("en", "Test payment: no money moves."),
        ("zh-hans", "测试付款：不会扣款。"),
    ],
)
def test_page_is_marked_as_a_test_payment_in_each_language(test_checkout, language, marking):
    path = test_checkout.url.replace("/ru/", f"/{language}/", 1)
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert marking in html
    # The other two languages carry the marking as well, each with its lang attribute.
    assert html.count('class="test-payment-banner__others"') == 1
    assert "noindex" in html


def test_completing_sends_a_signed_event_through_the_webhook(test_checkout):
    payment = test_checkout.payment
    assert payment.provider == Payment.Provider.TEST
    assert test_checkout.url.startswith("/ru/payments/test-checkout/cs_test_local_")
    client = Client()
    assert "1\xa0500\xa0₽" in client.get(test_checkout.url).content.decode()
    response = client.post(f"{test_checkout.url}complete/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/ru/thanks/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    record = WebhookEvent.objects.get()
    assert (record.type, record.source, record.status) == (
        "checkout.session.completed",
        "test",
        WebhookEvent.Status.PROCESSED,
    )
    assert [kind for kind, _payload in effects()] == ["paid"]
    # A second press on the (stale) page completes nothing twice.
    client.post(f"{test_checkout.url}complete/")
    assert len(effects("paid")) == 1


def test_cancelling_expires_the_session_and_releases_the_hold(test_checkout, seat):
    response = Client().post(f"{test_checkout.url}cancel/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/ru/back/"
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.EXPIRED
    assert not Group.objects.filter(pk=seat.pk).exists()
    assert Client().get(test_checkout.url).status_code == 200  # says it has expired


def test_staff_refund_in_the_test_checkout_goes_through_the_webhook(
    test_checkout, django_capture_on_commit_callbacks
):
    Client().post(f"{test_checkout.url}complete/")
    payment = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund(payment, 50_000)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 50_000)
    assert WebhookEvent.objects.filter(type="charge.refunded", status="processed").count() == 1
    assert [kind for kind, _payload in effects()] == ["paid", "refunded"]


def test_cancel_checkout_from_a_domain_expires_the_session(
    test_checkout, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert payments.cancel_checkout(test_checkout.payment)
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.EXPIRED


def test_the_test_checkout_is_off_in_production(test_checkout, settings):
    settings.DEBUG = False
    assert Client().get(test_checkout.url).status_code == 404
    assert Client().post(f"{test_checkout.url}complete/").status_code == 404
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.OPEN


def test_no_checkout_in_production_without_keys(settings, checkout):
    settings.DEBUG = False
    settings.DEMO_MODE = True
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CheckoutUnavailable):
        checkout()
    assert Payment.objects.count() == 0


def test_a_failed_confirmation_can_be_completed_again(test_checkout):
    from tests.payments import purposes

    purposes.failing["on"] = True
    client = Client()
    response = client.post(f"{test_checkout.url}complete/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "could not be confirmed" in html or "Не удалось подтвердить платёж" in html
    assert f"{test_checkout.url}complete/" in html  # the button is offered again
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.OPEN
    assert effects() == []

    purposes.failing["on"] = False
    assert client.post(f"{test_checkout.url}complete/").status_code == 302
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.PAID
    assert len(effects("paid")) == 1


def overdue(start):
    """Time passes: the session's expires_at is behind us."""
    from datetime import timedelta

    from django.utils import timezone

    from payments.models import TestCheckoutSession

    TestCheckoutSession.objects.filter(payment=start.payment).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("ru", "Время на оплату истекло"),
        ("en", "The time for this payment ran out"),
        ("zh-hans", "付款时间已到"),
    ],
)
def test_opening_an_expired_session_expires_it_through_the_webhook(
    test_checkout, seat, language, told
):
    overdue(test_checkout)
    path = test_checkout.url.replace("/ru/", f"/{language}/", 1)
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert told in html
    assert "Complete the test payment" not in html and "/complete/" not in html
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.EXPIRED
    record = WebhookEvent.objects.get()
    # Signed with the test checkout's secret and checked by the production webhook.
    assert (record.type, record.source, record.status) == (
        "checkout.session.expired",
        "test",
        WebhookEvent.Status.PROCESSED,
    )
    assert [kind for kind, _payload in effects()] == ["expired"]
    assert not Group.objects.filter(pk=seat.pk).exists()  # the hold is released
    Client().get(path)  # opening it again sends nothing more
    assert WebhookEvent.objects.count() == 1


def test_pressing_pay_after_the_time_ran_out_pays_nothing(test_checkout):
    client = Client()
    assert "/complete/" in client.get(test_checkout.url).content.decode()  # still open
    overdue(test_checkout)
    response = client.post(f"{test_checkout.url}complete/")
    assert response.status_code == 409
    assert "Время на оплату истекло" in response.content.decode()
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.EXPIRED
    assert [kind for kind, _payload in effects()] == ["expired"]
    assert WebhookEvent.objects.get().type == "checkout.session.expired"
    assert client.post(f"{test_checkout.url}complete/").status_code == 409
    assert effects("paid") == []


def test_a_cancelled_session_does_not_say_the_time_ran_out(test_checkout):
    Client().post(f"{test_checkout.url}cancel/")
    html = Client().get(test_checkout.url).content.decode()
    assert "Время на оплату истекло" not in html
    assert "Тестовый платёж истёк или отменён" in html


def test_an_expiry_that_failed_is_sent_again_when_the_page_is_opened(test_checkout):
    from tests.payments import purposes

    overdue(test_checkout)
    purposes.failing["on"] = True
    Client().get(test_checkout.url)
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.OPEN
    purposes.failing["on"] = False
    Client().get(test_checkout.url)
    test_checkout.payment.refresh_from_db()
    assert test_checkout.payment.status == Payment.Status.EXPIRED
    assert len(effects("expired")) == 1


def test_a_monthly_test_payment_can_be_refunded_by_staff(
    demo_checkout, checkout, django_capture_on_commit_callbacks
):
    start = checkout(10_000, mode="subscription", idempotency_key="monthly-test", language="ru")
    Client().post(f"{start.url}complete/")
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.PAID
    assert payment.payment_intent_id  # learnt from the session's first invoice
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund(payment, 4_000)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 4_000)
    assert WebhookEvent.objects.filter(type="charge.refunded", status="processed").count() == 1
    assert [kind for kind, _payload in effects()] == ["paid", "refunded"]
