"""Fundraising's day, signed in as Fundraising: the dashboard, moderation with a reason, stopping
a monthly gift, resending a receipt, a donor's history, totals over a date range as CSV, and
publishing a report knowing how many subscribers it will e-mail."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client
from django.utils import formats, timezone, translation
from wagtail.models import ModelLogEntry

from donations.models import CampaignReportPage, CampaignSubscriber, Donation, DonationEntry
from payments.money import format_amount
from tests.dashboards import dashboard, figure
from tests.donations.conftest import committed, deliver, pay_with_test_checkout, start


@pytest.fixture
def fundraiser(db):
    user = User.objects.create_user("fundraiser", "f@leopard.example", password="x")
    user.groups.add(Group.objects.get(name="Fundraising"))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def gifts(campaigns, demo_checkout):
    paid, _ = start(campaigns.patrols, amount_minor=5_000, name="Olga", message="Держитесь!")
    pay_with_test_checkout(paid)
    other, _ = start(campaigns.patrols, amount_minor=2_500, email="b@example.org", message="Ура")
    pay_with_test_checkout(other)
    return paid, other


def test_fundraising_lands_on_its_figures_and_only_its(gifts, fundraiser, campaigns):
    _user, client = fundraiser
    panels = dashboard(client)
    assert set(panels) == {"fundraising"}
    panel = panels["fundraising"]
    assert figure(panel, r"message_status=pending$")[0] == "2"
    raised, _label = figure(panel, rf"/admin/pages/{campaigns.patrols.pk}/edit/$")
    assert raised == format_amount(7_500, "USD", "ru")
    Donation.objects.filter(pk=gifts[0].pk).update(message_status="approved")
    assert figure(dashboard(client)["fundraising"], r"message_status=pending$")[0] == "1"


def test_the_moderation_screen_shows_the_message_and_logs_the_decision(gifts, fundraiser):
    user, client = fundraiser
    paid, _other = gifts
    url = f"/admin/donations/edit/{paid.pk}/"
    assert "Держитесь!" in client.get(url).content.decode()
    response = client.post(url, {"message_status": "rejected", "reason": "Personal data"})
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.message_status == Donation.MessageStatus.REJECTED
    entry = ModelLogEntry.objects.get(action="donations.message_rejected")
    assert (entry.user, entry.data["reason"]) == (user, "Personal data")
    history = client.get(f"/admin/donations/history/{paid.pk}/").content.decode()
    assert "Personal data" in history


def test_fundraising_stops_a_monthly_gift_at_stripe_and_logs_why(
    campaigns, fake_stripe, fundraiser
):
    user, client = fundraiser
    donation, _url = start(campaigns.patrols, amount_minor=1_500, frequency="monthly")
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    donation.refresh_from_db()
    assert donation.is_monthly_active

    inspect = client.get(f"/admin/donations/inspect/{donation.pk}/").content.decode()
    stop_url = f"/admin/fundraising/donations/{donation.pk}/stop-monthly/"
    assert stop_url in inspect
    assert client.post(stop_url, {"reason": ""}).status_code == 400  # a reason is required
    assert fake_stripe.cancelled == []
    response = client.post(stop_url, {"reason": "Asked by phone"})
    assert response.status_code == 302
    assert fake_stripe.cancelled == [session["subscription"]]
    donation.refresh_from_db()
    assert donation.monthly_cancelled_at is not None
    entry = ModelLogEntry.objects.get(action="donations.monthly_stopped")
    assert (entry.user, entry.object_id, entry.data["reason"]) == (
        user,
        str(donation.pk),
        "Asked by phone",
    )


def test_fundraising_resends_a_receipt(gifts, fundraiser):
    user, client = fundraiser
    paid, _other = gifts
    entry = DonationEntry.objects.get(donation=paid, kind="paid")
    mail.outbox.clear()
    with committed():
        response = client.post(f"/admin/fundraising/receipts/{entry.pk}/resend/")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [paid.supporter.email]
    assert entry.receipt_number in message.subject
    assert ModelLogEntry.objects.filter(action="donations.receipt_resent", user=user).exists()
    assert client.get(f"/admin/fundraising/receipts/{entry.pk}/resend/").status_code == 405


def test_a_donors_history(gifts, campaigns, fundraiser):
    _user, client = fundraiser
    paid, other = gifts
    again, _ = start(campaigns.patrols, amount_minor=3_000, message="")
    pay_with_test_checkout(again)
    page = client.get(f"/admin/fundraising/donors/{paid.supporter_id}/").content.decode()
    assert f"/admin/donations/inspect/{paid.pk}/" in page
    assert f"/admin/donations/inspect/{again.pk}/" in page
    assert f"/admin/donations/inspect/{other.pk}/" not in page
    assert format_amount(8_000, "USD", "ru") in page


def test_fundraising_resends_the_certificate_apart_from_the_receipt(
    campaigns, fundraiser, demo_checkout
):
    user, client = fundraiser
    sponsor, _ = start(campaigns.patrols, leopard=campaigns.grace, language="zh-hans", name="李")
    pay_with_test_checkout(sponsor)
    plain, _ = start(campaigns.patrols, amount_minor=2_500, email="b@example.org")
    pay_with_test_checkout(plain)
    url = f"/admin/fundraising/donations/{sponsor.pk}/resend-certificate/"
    inspect = client.get(f"/admin/donations/inspect/{sponsor.pk}/").content.decode()
    assert f'action="{url}"' in inspect and "Отправить повторно только сертификат" in inspect
    assert (
        "resend-certificate"
        not in client.get(f"/admin/donations/inspect/{plain.pk}/").content.decode()
    )
    mail.outbox.clear()
    with committed():
        response = client.post(url)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [sponsor.supporter.email]
    assert message.subject.startswith("您的认养证书")
    assert "/zh-hans/donations/certificate/" in message.body
    assert "D-" not in message.subject + message.body  # not the receipt
    [(name, png, kind)] = message.attachments
    assert name.endswith(".png") and kind == "image/png" and png.startswith(b"\x89PNG")
    entry = ModelLogEntry.objects.get(action="donations.certificate_resent")
    assert (entry.user, entry.object_id) == (user, str(sponsor.pk))
    assert (
        "Сертификат опекуна отправлен повторно"
        in client.get(f"/admin/donations/history/{sponsor.pk}/").content.decode()
    )
    # A gift without a leopard has no certificate: refused, nothing sent.
    mail.outbox.clear()
    with committed():
        client.post(f"/admin/fundraising/donations/{plain.pk}/resend-certificate/")
    assert mail.outbox == []
    assert client.get(url).status_code == 405


def test_a_donors_history_for_a_date_range_exports_as_readable_csv(gifts, campaigns, fundraiser):
    _user, client = fundraiser
    paid, _other = gifts
    again, _ = start(campaigns.patrols, amount_minor=3_000, message="")
    pay_with_test_checkout(again)
    DonationEntry.objects.filter(donation=paid).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    Donation.objects.filter(pk=paid.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    url = f"/admin/fundraising/donors/{paid.supporter_id}/"
    page = client.get(url).content.decode()
    assert "Скачать CSV" in page
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"export": "csv"}).content.decode("utf-8-sig")))
    )
    assert rows[0] == [
        "Дата",
        "Сбор",
        "Леопард",
        "Периодичность",
        "Статус",
        "Вид",
        "Квитанция",
        "Сумма",
    ]
    assert len(rows) == 3
    amounts = sorted(row[7] for row in rows[1:])
    assert amounts == sorted([format_amount(5_000, "USD", "ru"), format_amount(3_000, "USD", "ru")])
    with translation.override("ru"):
        assert {row[4] for row in rows[1:]} == {str(Donation.Status.PAID.label)}
    # Park time (Vladivostok), in the staff member's language: never a raw UTC stamp.
    newest = DonationEntry.objects.get(donation=again)
    with translation.override("ru"):
        park_time = formats.date_format(timezone.localtime(newest.created_at), "DATETIME_FORMAT")
    assert rows[1][0] == park_time and "+00" not in rows[1][0]
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    recent = list(
        csv.reader(
            io.StringIO(
                client.get(url, {"start": since, "export": "csv"}).content.decode("utf-8-sig")
            )
        )
    )
    assert [row[7] for row in recent[1:]] == [format_amount(3_000, "USD", "ru")]
    assert (
        f"/admin/donations/inspect/{paid.pk}/"
        not in client.get(url, {"start": since}).content.decode()
    )
    bad = client.get(url, {"start": since, "end": "2000-01-01"})
    assert bad.status_code == 400


def test_totals_for_a_date_range_export_as_readable_csv(gifts, fundraiser):
    _user, client = fundraiser
    old = DonationEntry.objects.get(donation=gifts[1], kind="paid")
    DonationEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=7)).isoformat()
    response = client.get("/admin/fundraising/totals/", {"start": since, "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][2] == "Патрули"
    assert rows[1][4] == format_amount(5_000, "USD", "ru")  # the old gift is outside the range
    everything = client.get("/admin/fundraising/totals/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(everything.content.decode("utf-8-sig"))))
    assert rows[1][4] == format_amount(7_500, "USD", "ru")
    bad = client.get("/admin/fundraising/totals/", {"start": today.isoformat(), "end": since})
    assert bad.status_code == 400


def test_fundraising_edits_and_publishes_a_report_seeing_who_will_be_mailed(
    campaigns, fundraiser, mailoutbox
):
    _user, client = fundraiser
    patrols = campaigns.patrols
    for n, status in enumerate(["active", "active", "pending", "unsubscribed"]):
        CampaignSubscriber.objects.create(
            campaign=patrols, email=f"s{n}@example.org", language="ru", status=status
        )
    report = patrols.add_child(
        instance=CampaignReportPage(title="Отчёт за март", slug="mart", live=False)
    )
    report.save_revision()
    edit_url = f"/admin/pages/{report.pk}/edit/"
    page = client.get(edit_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Опубликовать и отправить 2 подписчикам" in html
    mailoutbox.clear()
    with committed():
        response = client.post(
            edit_url,
            {
                "title_ru": "Отчёт за март",
                "slug_ru": "mart",
                "date": timezone.localdate().isoformat(),
                "intro_ru": "Итоги",
                "body_ru-count": "0",
                "body_en-count": "0",
                "body_zh_hans-count": "0",
                "action-publish": "action-publish",
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.live
    assert sorted(m.to[0] for m in mailoutbox) == ["s0@example.org", "s1@example.org"]
    assert "Опубликовать (письма не отправляются)" in client.get(edit_url).content.decode()


ADMIN_SOURCES = ("admin_views.py", "wagtail_hooks.py", "panels.py", "templates/donations/admin/")


def admin_strings():
    """The English of every string on Fundraising's admin screens, from the catalogue."""
    import polib
    from django.conf import settings

    catalogue = polib.pofile(
        str(settings.BASE_DIR / "donations/locale/zh_Hans/LC_MESSAGES/django.po")
    )
    return {
        entry.msgid
        for entry in catalogue
        if any(part in path for path, _line in entry.occurrences for part in ADMIN_SOURCES)
        and "%(" not in entry.msgid
        and len(entry.msgid) > 5
    }


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_fundraisings_screens_show_no_english_labels(gifts, fundraiser, language):
    from tests.dashboards import speak

    user, client = fundraiser
    speak(user, language)
    paid, _other = gifts
    english = admin_strings()
    assert {"Donor's history", "Download CSV", "Resend receipt"} <= english
    for url in [
        "/admin/",
        f"/admin/donations/inspect/{paid.pk}/",
        f"/admin/donations/edit/{paid.pk}/",
        "/admin/fundraising/totals/",
        f"/admin/fundraising/donors/{paid.supporter_id}/",
    ]:
        html = client.get(url).content.decode()
        shown = {text for text in english if re.search(rf">\s*{re.escape(text)}\s*<", html)}
        assert not shown, (url, shown)
        assert "View / edit fields for" not in html
        assert "(minor units)" not in html
