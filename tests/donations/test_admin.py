"""Fundraising staff: donations with filters and CSV, refunds through payments, messages,
totals per campaign and month."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from donations import services
from donations.models import Donation
from payments.money import format_amount
from tests.donations.conftest import committed, pay_with_test_checkout, start


def staff_client(group_name):
    user = User.objects.create_user(group_name.replace(" ", "-").lower(), password="x")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def gifts(campaigns, demo_checkout):
    paid, _ = start(campaigns.patrols, amount_minor=5_000, name="Olga", message="Спасибо!")
    pay_with_test_checkout(paid)
    monthly, _ = start(
        campaigns.patrols,
        amount_minor=1_500,
        email="m@example.org",
        frequency="monthly",
        show_name=False,
        name="Hidden",
    )
    pay_with_test_checkout(monthly)
    pending, _ = start(campaigns.patrols, amount_minor=700, email="p@example.org")
    return paid, monthly, pending


def test_fundraising_holds_its_permissions(db):
    codenames = set(
        Permission.objects.filter(
            group__name="Fundraising", content_type__app_label="donations"
        ).values_list("codename", flat=True)
    )
    assert codenames == {
        "view_donation",
        "moderate_donation_messages",
        "view_fundraising_totals",
        "view_campaignsubscriber",
        "stop_monthly_donation",
        "resend_donation_receipt",
    }


def test_donations_list_filters_and_exports_csv(gifts, django_assert_max_num_queries):
    paid, monthly, pending = gifts
    client = staff_client("Fundraising")
    html = client.get("/admin/donations/", {"status": "paid"}).content.decode()
    assert f"/admin/donations/inspect/{paid.pk}/" in html
    assert f"/admin/donations/inspect/{pending.pk}/" not in html
    html = client.get("/admin/donations/", {"frequency": "monthly"}).content.decode()
    assert f"/admin/donations/inspect/{monthly.pk}/" in html
    assert f"/admin/donations/inspect/{paid.pk}/" not in html
    with django_assert_max_num_queries(35):
        client.get("/admin/donations/")

    export = client.get("/admin/donations/", {"export": "csv", "status": "paid"})
    assert export.status_code == 200
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert len(rows) == 3  # the heading and the two paid gifts
    # Amounts as money, never minor units; choices by their label; park time.
    paid_row = next(row for row in rows if "anna@example.org" in row)
    assert format_amount(5_000, "USD", "ru") in paid_row and "5000" not in paid_row
    assert "+00:00" not in paid_row


def test_staff_moderate_messages_but_change_nothing_else(gifts):
    paid, _monthly, _pending = gifts
    client = staff_client("Fundraising")
    queue = client.get("/admin/donations/", {"message_status": "pending"}).content.decode()
    assert f"/admin/donations/inspect/{paid.pk}/" in queue

    response = client.post(f"/admin/donations/edit/{paid.pk}/", {"message_status": "approved"})
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.message_status == Donation.MessageStatus.APPROVED
    assert paid.amount_minor == 5_000
    assert client.get("/admin/donations/new/").status_code in (302, 403)
    assert client.post(f"/admin/donations/delete/{paid.pk}/").status_code in (302, 403)
    assert Donation.objects.filter(pk=paid.pk).exists()


def test_refunds_go_through_payments_and_lower_the_total(gifts, campaigns):
    paid, _monthly, _pending = gifts
    client = staff_client("Fundraising")
    inspect = client.get(f"/admin/donations/inspect/{paid.pk}/").content.decode()
    refund_url = f"/admin/payments/refund/{paid.payment_id}/"
    assert refund_url in inspect

    with committed():
        response = client.post(
            refund_url,
            {"amount": "20.00", "reason": "requested_by_customer", "note": "", "token": "t1"},
        )
    assert response.status_code == 302
    assert services.progress(campaigns.patrols).raised_minor == 5_000 + 1_500 - 2_000


def test_totals_per_campaign_and_month(gifts, campaigns):
    client = staff_client("Fundraising")
    response = client.get("/admin/fundraising/totals/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Патрули" in html
    assert "65\xa0$" in html  # 50 + 15, in the staff's Russian
    assert [row["raised"] for row in services.totals_per_campaign()] == [6_500]
    [(_month, [row])] = services.totals_per_month()
    assert (row["raised"], row["gifts"]) == (6_500, 2)


def test_other_roles_see_no_donations(gifts):
    client = staff_client("Tourism desk")
    assert client.get("/admin/donations/").status_code in (302, 403)
    assert client.get("/admin/fundraising/totals/").status_code in (302, 403)
