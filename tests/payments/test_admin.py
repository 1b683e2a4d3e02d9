"""Staff screens: the payments list and its filters, refunds, the event log and retry."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from payments.models import Payment, Refund, WebhookEvent
from tests.payments import purposes
from tests.payments.conftest import effects, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(fake_stripe, checkout):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    post_event(fake_stripe.event("checkout.session.completed", session))
    start.payment.refresh_from_db()
    return start.payment


def staff_client(group_name):
    user = User.objects.create_user(f"{group_name.replace(' ', '-').lower()}", password="x")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("group_name", ["Fundraising", "Tourism desk"])
def test_roles_may_view_and_refund_but_not_retry(group_name):
    codenames = set(
        Permission.objects.filter(
            group__name=group_name, content_type__app_label="payments"
        ).values_list("codename", flat=True)
    )
    assert codenames == {"view_payment", "refund_payment", "view_refund", "view_webhookevent"}


def test_payments_list_filters_by_status_and_purpose(paid, checkout, django_assert_max_num_queries):
    open_payment = checkout(idempotency_key="another").payment
    client, _user = staff_client("Fundraising")
    response = client.get("/admin/payments/", {"status": "paid"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/admin/payments/inspect/{paid.pk}/" in html
    assert f"/admin/payments/inspect/{open_payment.pk}/" not in html
    response = client.get("/admin/payments/", {"purpose": "test-seat"})
    assert f"/admin/payments/inspect/{open_payment.pk}/" in response.content.decode()
    with django_assert_max_num_queries(30):
        client.get("/admin/payments/")


def test_nobody_edits_or_deletes_a_payment_in_the_admin(paid, admin_client):
    assert admin_client.get(f"/admin/payments/edit/{paid.pk}/").status_code in (302, 403)
    assert admin_client.post(f"/admin/payments/delete/{paid.pk}/").status_code in (302, 403)
    assert admin_client.get("/admin/payments/new/").status_code in (302, 403)
    assert Payment.objects.filter(pk=paid.pk).exists()


def test_staff_partial_refund_with_reason(fake_stripe, paid):
    client, user = staff_client("Tourism desk")
    page = client.get(f"/admin/payments/inspect/{paid.pk}/")
    assert f"/admin/payments/refund/{paid.pk}/" in page.content.decode()
    form = client.get(f"/admin/payments/refund/{paid.pk}/")
    assert form.status_code == 200
    token = form.context["form"].initial["token"]
    data = {"amount": "500.00", "reason": "requested_by_customer", "note": "Rain", "token": token}
    response = client.post(f"/admin/payments/refund/{paid.pk}/", data)
    assert response.status_code == 302
    client.post(f"/admin/payments/refund/{paid.pk}/", data)  # the same form sent twice
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 50_000)
    refund = Refund.objects.get()
    assert (refund.by_user, refund.note, refund.amount_minor) == (user, "Rain", 50_000)
    assert len(effects("refunded")) == 1


def test_refund_of_more_than_is_left_is_refused_in_the_form(fake_stripe, paid):
    client, _user = staff_client("Fundraising")
    data = {"amount": "1500.01", "reason": "duplicate", "token": "t1"}
    response = client.post(f"/admin/payments/refund/{paid.pk}/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    paid.refresh_from_db()
    assert paid.refunded_minor == 0
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_refund_needs_the_refund_permission(paid):
    user = User.objects.create_user("editor", password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/admin/payments/refund/{paid.pk}/", {"amount": "1", "reason": "duplicate", "token": "t"}
    )
    assert response.status_code in (302, 403)
    assert Refund.objects.count() == 0


def test_event_log_and_retry_of_a_failed_event(fake_stripe, checkout, admin_client):
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    purposes.failing["on"] = True
    post_event(fake_stripe.event("checkout.session.completed", session))
    purposes.failing["on"] = False
    record = WebhookEvent.objects.get()
    listing = admin_client.get("/admin/payment-events/", {"status": "failed"})
    assert f"/admin/payment-events/inspect/{record.pk}/" in listing.content.decode()
    page = admin_client.get(f"/admin/payment-events/inspect/{record.pk}/")
    assert "failed on purpose" in page.content.decode()
    assert f"/admin/payment-events/retry/{record.pk}/" in page.content.decode()
    response = admin_client.post(f"/admin/payment-events/retry/{record.pk}/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == WebhookEvent.Status.PROCESSED
    start.payment.refresh_from_db()
    assert start.payment.status == Payment.Status.PAID


def test_fundraising_may_not_retry_events(fake_stripe, checkout):
    client, _user = staff_client("Fundraising")
    start = checkout()
    session = fake_stripe.pay(start.payment.checkout_session_id)
    purposes.failing["on"] = True
    post_event(fake_stripe.event("checkout.session.completed", session))
    purposes.failing["on"] = False
    record = WebhookEvent.objects.get()
    # A failed event is linked to no payment: its payload may be anyone's; administrators'.
    refused = client.get(f"/admin/payment-events/inspect/{record.pk}/")
    assert (refused.status_code, refused.url) == (302, "/admin/")
    assert client.post(f"/admin/payment-events/retry/{record.pk}/").status_code in (302, 403)
    record.refresh_from_db()
    assert record.status == WebhookEvent.Status.FAILED


def test_staff_refund_one_later_month_in_the_admin(fake_stripe, checkout):
    from payments.models import Renewal
    from tests.payments.conftest import monthly_gift

    payment, _invoices = monthly_gift(fake_stripe, checkout, renewals=2)
    older, newer = Renewal.objects.order_by("paid_at", "pk")
    client, user = staff_client("Fundraising")
    page = client.get(f"/admin/payments/inspect/{payment.pk}/").content.decode()
    month_url = f"/admin/payments/refund/{payment.pk}/month/{newer.pk}/"
    assert month_url in page
    assert f"/admin/payments/refund/{payment.pk}/month/{older.pk}/" in page

    form = client.get(month_url)
    assert form.context["form"].initial["amount"] == 100
    token = form.context["form"].initial["token"]
    too_much = {"amount": "100.01", "reason": "duplicate", "token": token}
    refused = client.post(month_url, too_much)
    assert refused.status_code == 200
    assert "не больше 100" in str(refused.context["form"].errors["amount"])
    data = {"amount": "25.50", "reason": "requested_by_customer", "note": "Moved", "token": token}
    assert client.post(month_url, data).status_code == 302
    assert client.post(month_url, data).status_code == 302  # the same form sent twice

    newer.refresh_from_db()
    older.refresh_from_db()
    assert (newer.refunded_minor, older.refunded_minor) == (2_550, 0)
    refund = Refund.objects.get()
    assert (refund.renewal, refund.by_user, refund.note) == (newer, user, "Moved")
    assert len(fake_stripe.calls("POST", "/v1/refunds")) == 1


def test_a_failed_refund_is_shown_as_failed(fake_stripe, paid):
    client, _user = staff_client("Tourism desk")
    data = {"amount": "300", "reason": "requested_by_customer", "token": "t-failed"}
    client.post(f"/admin/payments/refund/{paid.pk}/", data)
    refund = Refund.objects.get()
    failed = fake_stripe.fail_refund(refund.stripe_refund_id, "lost_or_stolen_card")
    assert post_event(fake_stripe.event("charge.refund.updated", failed)).status_code == 200

    page = client.get(f"/admin/payments/inspect/{paid.pk}/").content.decode()
    assert "payments-refund--failed" in page
    assert "не прошёл: деньги не вернулись" in page
    assert "lost_or_stolen_card" in page
    listing = client.get("/admin/payment-refunds/", {"status": "failed"})
    assert listing.status_code == 200
    assert "300\xa0₽" in listing.content.decode()
    assert (
        client.get("/admin/payment-refunds/", {"status": "succeeded"})
        .content.decode()
        .count("300\xa0₽")
        == 0
    )
