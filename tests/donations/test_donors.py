"""What donors see and what the public never sees: the wall, the supporter page, reports."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cms.demo import tr, upsert_page
from donations import services
from donations.models import CampaignReportPage, CampaignSubscriber, Donation, Supporter
from live.models import Event, Follower
from tests.donations.conftest import committed, pay_with_test_checkout, sent_to, start


def page_html(client, page, language="en"):
    with translation.override(language):
        return client.get(page.get_url()).content.decode()


def approve(donation):
    Donation.objects.filter(pk=donation.pk).update(message_status=Donation.MessageStatus.APPROVED)


# --- The donor wall ------------------------------------------------------------------------


def test_anonymous_donors_never_appear(client, campaigns, demo_checkout):
    shown, _ = start(
        campaigns.patrols,
        name='Tom & "Jerry"',
        email="tom@example.org",
        message="Go, rangers!",
        amount_minor=4_321,
    )
    hidden, _ = start(
        campaigns.patrols,
        name="Secret Sam",
        email="sam@example.org",
        show_name=False,
        message="Quiet support",
        amount_minor=9_876,
    )
    pay_with_test_checkout(shown)
    pay_with_test_checkout(hidden)
    approve(shown)
    approve(hidden)

    public = [page_html(client, campaigns.patrols, code) for code in ("ru", "en", "zh-hans")]
    public.append(page_html(client, campaigns.site.home, "en"))
    public.append(page_html(client, campaigns.index, "en"))
    with translation.override("en"):
        public.append(
            client.get(
                reverse("donations:reports_rss", args=[campaigns.patrols.pk])
            ).content.decode()
        )
    events = [str(e.payload) + str(e.localized) for e in Event.objects.all()]

    assert "Tom &amp; &quot;Jerry&quot;" in public[1]
    assert "Go, rangers!" in public[1]
    for text in public + events:
        assert "Secret Sam" not in text
        assert "Quiet support" not in text
        assert "tom@example.org" not in text
        assert "sam@example.org" not in text
    # Pages show the total ($141.97), never a gift's own amount. (A live update after the very
    # first gift necessarily equals that gift: a public total cannot hide it.)
    for text in public:
        for amount in ("$43.21", "$98.76", "43,21", "98,76"):
            assert amount not in text


def test_messages_appear_only_after_staff_approval(client, campaigns, demo_checkout):
    donation, _ = start(campaigns.patrols, message="For the rangers of Kedrovaya Pad")
    pay_with_test_checkout(donation)
    assert donation.message_status == Donation.MessageStatus.PENDING
    assert "For the rangers" not in page_html(client, campaigns.patrols)
    assert "Anna" in page_html(client, campaigns.patrols)

    approve(donation)
    assert "For the rangers of Kedrovaya Pad" in page_html(client, campaigns.patrols)

    Donation.objects.filter(pk=donation.pk).update(message_status=Donation.MessageStatus.REJECTED)
    assert "For the rangers" not in page_html(client, campaigns.patrols)


def test_the_campaign_page_and_its_wall_take_a_fixed_number_of_queries(
    client, campaigns, demo_checkout, django_assert_max_num_queries
):
    for n in range(5):
        donation, _ = start(campaigns.patrols, name=f"Donor {n}", email=f"d{n}@example.org")
        pay_with_test_checkout(donation)
    with django_assert_max_num_queries(40):
        body = page_html(client, campaigns.patrols)
    assert "Donor 4" in body


# --- Sponsorship --------------------------------------------------------------------------


def test_a_sponsor_follows_the_leopard_and_gets_a_certificate(client, campaigns, demo_checkout):
    donation, _ = start(campaigns.patrols, leopard=campaigns.grace, language="ru", name="Анна")
    pay_with_test_checkout(donation)

    follower = Follower.objects.get(email="anna@example.org")
    assert (follower.topic, follower.status) == (f"leopard:{campaigns.grace.pk}", "active")
    assert services.sponsor_count(campaigns.grace) == 1
    [receipt] = sent_to("anna@example.org")
    assert "Грейс" in receipt.body
    path = re.search(r"https://leopard\.example(/ru/donations/certificate/\S+\.png)", receipt.body)[
        1
    ]

    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1600, 1131)
    assert not image.info.get("exif")
    assert client.get(path.replace(".png", "x.png")).status_code == 404


def test_a_sponsor_who_unsubscribed_from_the_leopard_stays_unsubscribed(campaigns, demo_checkout):
    Follower.objects.create(
        email="anna@example.org",
        topic=f"leopard:{campaigns.grace.pk}",
        title="Grace",
        language="en",
        status=Follower.Status.UNSUBSCRIBED,
    )
    donation, _ = start(campaigns.patrols, leopard=campaigns.grace)
    pay_with_test_checkout(donation)
    assert Follower.objects.get().status == Follower.Status.UNSUBSCRIBED


def test_the_sponsor_box_counts_sponsors_and_invites(client, campaigns, demo_checkout):
    from django.template import Context, Template

    for email in ("a@example.org", "b@example.org", "a@example.org"):
        donation, _ = start(campaigns.patrols, leopard=campaigns.grace, email=email)
        pay_with_test_checkout(donation)
    with translation.override("en"):
        html = Template("{% load donations_tags %}{% sponsor_box page %}").render(
            Context({"page": campaigns.grace})
        )
    assert "2 people sponsor Grace." in html
    assert f"/en/support/patrols/?leopard={campaigns.grace.pk}#give" in html
    # The leopard's own page shows it, in the visitor's language.
    with translation.override("ru"):
        leopard_url = campaigns.grace.get_url()
    html = Client().get(leopard_url).content.decode()
    assert "У леопарда Грейс 2 опекуна." in html


# --- The supporter page -------------------------------------------------------------------


def request_link(client, email="anna@example.org"):
    mail.outbox.clear()
    with translation.override("en"):
        response = client.post(reverse("donations:supporter_sign_in"), {"email": email})
    assert response.status_code == 200
    messages = sent_to(email)
    if not messages:
        return None
    return re.search(
        r"https://leopard\.example(/en/donations/supporter/link/\S+/)", messages[0].body
    )[1]


def test_the_supporter_page_by_e_mailed_link(client, campaigns, demo_checkout):
    once, _ = start(campaigns.patrols, amount_minor=2_500, leopard=campaigns.grace)
    pay_with_test_checkout(once)
    monthly, _ = start(campaigns.patrols, amount_minor=1_000, frequency="monthly")
    pay_with_test_checkout(monthly)
    Follower.objects.create(
        email="anna@example.org",
        topic=f"leopard:{campaigns.borte.pk}",
        title="Borte",
        language="en",
        status="active",
    )

    link = request_link(client)
    assert client.get(link).status_code == 200  # a button, so mail scanners use nothing up
    assert client.get(reverse("donations:supporter_home")).status_code == 302
    response = client.post(link)
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()

    assert "$25" in body and "$10 a month" in body
    assert "You sponsor this leopard." in body and "You follow this leopard." in body
    assert body.count("/en/donations/supporter/receipts/") == 2
    assert "/en/donations/monthly/cancel/" in body
    receipt_path = re.search(r'href="(/en/donations/supporter/receipts/\d+/)"', body)[1]
    assert client.get(receipt_path).status_code == 200


def test_the_sign_in_link_works_once(client, campaigns, demo_checkout):
    donation, _ = start(campaigns.patrols)
    pay_with_test_checkout(donation)
    link = request_link(client)
    assert client.post(link).status_code == 302
    client.post(reverse("donations:supporter_sign_out"))
    assert client.post(link).status_code == 404
    assert client.get(reverse("donations:supporter_home")).status_code == 302


def test_the_sign_in_link_expires(client, campaigns, demo_checkout, monkeypatch):
    import time

    donation, _ = start(campaigns.patrols)
    pay_with_test_checkout(donation)
    supporter = Supporter.objects.get()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 2 * 3600)
    token = services.sign_in_token(supporter)
    monkeypatch.setattr(time, "time", real_time)
    with translation.override("en"):
        response = client.post(reverse("donations:supporter_link", args=[token]))
    assert response.status_code == 404
    assert "work once and for one hour" in response.content.decode()


def test_the_sign_in_link_cannot_be_guessed_or_forged(client, campaigns, demo_checkout):
    donation, _ = start(campaigns.patrols)
    pay_with_test_checkout(donation)
    supporter = Supporter.objects.get()
    good = services.sign_in_token(supporter)
    forged = [
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        signing.TimestampSigner(salt="another").sign_object({"s": supporter.pk, "h": "x"}),
        signing.TimestampSigner(salt=services.SIGN_IN_SALT, key="not-the-secret").sign_object(
            {"s": supporter.pk, "h": services._sign_in_state(supporter)}
        ),
        signing.TimestampSigner(salt=services.SIGN_IN_SALT).sign_object(
            {"s": supporter.pk, "h": "0" * 20}
        ),
        "1",
    ]
    with translation.override("en"):
        for token in forged:
            assert client.post(reverse("donations:supporter_link", args=[token])).status_code == 404


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, campaigns):
    assert request_link(client, "nobody@example.org") is None


# --- Monthly gifts -------------------------------------------------------------------------


def test_a_monthly_gift_is_cancelled_from_the_receipts_link(client, campaigns, fake_stripe):
    from tests.donations.conftest import deliver

    donation, _ = start(campaigns.patrols, frequency="monthly")
    session = fake_stripe.pay(donation.payment.checkout_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    [receipt] = sent_to("anna@example.org")
    path = re.search(r"https://leopard\.example(/en/donations/monthly/cancel/\S+/)", receipt.body)[
        1
    ]

    assert client.get(path).status_code == 200
    donation.refresh_from_db()
    assert donation.monthly_cancelled_at is None  # GET only asks
    assert client.post(path).status_code == 200
    donation.refresh_from_db()
    assert donation.monthly_cancelled_at is not None
    assert fake_stripe.cancelled == [session["subscription"]]
    assert client.post(path.replace("/cancel/", "/cancel/x")).status_code == 404


# --- Reports and their subscribers ---------------------------------------------------------


def subscribe(campaign, email, status):
    return CampaignSubscriber.objects.create(
        campaign=campaign, email=email, language="en", status=status
    )


def publish_report(campaign, number=1):
    with committed():
        report, _ = upsert_page(
            campaign,
            CampaignReportPage,
            **tr("slug", f"otchet-{number}", f"report-{number}", f"baogao-{number}"),
            **tr("title", f"Отчёт {number}", f"Report {number}", f"报告 {number}"),
            **tr("intro", "Итоги", "What we did", "进展"),
        )
    return report


def test_report_e_mails_go_to_confirmed_subscribers_only_once(client, campaigns, mailoutbox):
    confirmed = subscribe(campaigns.patrols, "yes@example.org", "active")
    subscribe(campaigns.patrols, "pending@example.org", "pending")
    subscribe(campaigns.patrols, "gone@example.org", "unsubscribed")
    subscribe(campaigns.feeding, "other@example.org", "active")

    report = publish_report(campaigns.patrols)

    assert [m.to for m in mailoutbox] == [["yes@example.org"]]
    message = mailoutbox[0]
    assert message.subject == "Report 1"
    unsubscribe = f"/en/donations/updates/stop/{confirmed.token}/"
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<https://leopard.example{unsubscribe}>"

    with committed():
        report.save_revision().publish()  # a correction, published again
    from donations.tasks import email_report_now

    assert email_report_now(report.pk) == 0  # a retried task sends nothing either
    assert len(mailoutbox) == 1

    assert client.post(unsubscribe).status_code == 200
    publish_report(campaigns.patrols, 2)
    assert len(mailoutbox) == 1


def test_double_opt_in_for_reports(client, campaigns, mailoutbox):
    with committed(), translation.override("en"):
        response = client.post(
            reverse("donations:subscribe", args=[campaigns.patrols.pk]),
            {"email": "new@example.org"},
        )
    assert response.status_code == 302
    [confirmation] = mailoutbox
    confirm = re.search(
        r"https://leopard\.example(/en/donations/updates/confirm/\S+/)", confirmation.body
    )[1]
    publish_report(campaigns.patrols)
    assert len(mailoutbox) == 1  # not confirmed yet: no report

    client.get(confirm)
    assert CampaignSubscriber.objects.get().status == "pending"
    client.post(confirm)
    assert CampaignSubscriber.objects.get().status == "active"
    publish_report(campaigns.patrols, 2)
    assert [m.subject for m in mailoutbox][-1] == "Report 2"


def test_a_donor_who_consents_is_asked_to_confirm(campaigns, demo_checkout, mailoutbox):
    donation, _ = start(campaigns.patrols, wants_updates=True)
    pay_with_test_checkout(donation)
    subscriber = CampaignSubscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("anna@example.org", "pending")
    assert len(sent_to("anna@example.org")) == 2  # the receipt and the confirmation


def test_reports_appear_in_the_campaigns_rss_feed(client, campaigns):
    publish_report(campaigns.patrols)
    with translation.override("zh-hans"):
        feed = client.get(reverse("donations:reports_rss", args=[campaigns.patrols.pk]))
    body = feed.content.decode()
    assert feed.status_code == 200
    assert "<title>报告 1</title>" in body
    assert "/zh-hans/zhichi/xunhu/baogao-1/" in body
    assert client.get("/en/donations/campaigns/999999/reports.rss").status_code == 404


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_receipts_are_in_the_donors_language(campaigns, demo_checkout, language):
    donation, _ = start(campaigns.patrols, language=language, amount_minor=150_000)
    pay_with_test_checkout(donation)
    [receipt] = sent_to("anna@example.org")
    expected = {"ru": "1\xa0500\xa0$", "en": "$1,500", "zh-hans": "US$1,500"}[language]
    assert expected in receipt.body
    thanks = {"ru": "Спасибо", "en": "Thank you", "zh-hans": "感谢"}[language]
    assert thanks in receipt.subject


def test_the_thank_you_page(client, campaigns, demo_checkout):
    donation, _ = start(campaigns.patrols, leopard=campaigns.grace)
    path = f"/en/donations/thanks/{donation.reference}/"
    assert "We are confirming your payment" in client.get(path).content.decode()
    pay_with_test_checkout(donation)
    body = client.get(path).content.decode()
    assert "Thank you, Anna!" in body
    assert "/en/donations/certificate/" in body
    assert client.get(path.replace(str(donation.reference)[:8], "00000000")).status_code == 404


@pytest.mark.parametrize(
    ("language", "female", "male"),
    [
        ("en", "each time she is seen again", "each time he is seen again"),
        ("ru", "когда её снова увидят", "когда его снова увидят"),
        ("zh-hans", "再次拍到她时", "再次拍到他时"),
    ],
)
def test_a_sponsors_leopard_is_she_or_he_on_the_page_in_the_receipt_and_certificate(
    client, campaigns, demo_checkout, language, female, male
):
    """Grace is female: not "it" (nor Russian's masculine "его") on the thanks page, in the
    receipt e-mail, on the leopard's page and on the certificate."""
    from donations import wording

    donation, _ = start(campaigns.patrols, leopard=campaigns.grace, language=language)
    pay_with_test_checkout(donation)
    with translation.override(language):
        thanks = client.get(reverse("donations:thanks", args=[donation.reference]))
        leopard_page = client.get(campaigns.grace.get_url())
        certificate_line = wording.about(campaigns.grace, "certificate", sponsor="Anna")
    [receipt] = sent_to("anna@example.org")
    html_receipt = receipt.alternatives[0][0]
    for text in (thanks.content.decode(), receipt.body, html_receipt):
        assert female in text
        assert male not in text
    box = leopard_page.content.decode().split('class="sponsor-box"')[1].split("</aside>")[0]
    assert {"ru": "её встречами", "en": "follow her sightings", "zh-hans": "关注她的"}[
        language
    ] in box
    assert {"ru": "его", "en": " it ", "zh-hans": "它"}[language] not in box
    if language == "ru":
        assert "самки" in certificate_line
    # A male leopard is "he"; one whose sex is not known keeps the neutral wording.
    neutral = {"ru": "когда его снова", "en": "each time it is seen", "zh-hans": "拍到它时"}[
        language
    ]
    with translation.override(language):
        campaigns.borte.sex = "male"
        assert male in wording.about(campaigns.borte, "now_sponsor")
        campaigns.borte.sex = "unknown"
        assert neutral in wording.about(campaigns.borte, "now_sponsor")
