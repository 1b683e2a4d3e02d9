"""One client cannot make the donations pages send e-mail or open checkouts without limit."""

from django.urls import reverse
from django.utils import translation

from donations.models import CampaignSubscriber, Donation, Supporter
from payments.models import Payment
from tests.donations.conftest import committed
from tests.donations.test_giving import form, give_url
from tests.ratelimits import assert_refused


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def test_sign_in_links_per_address_then_a_translated_429(client, campaigns, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_ADDRESS = "3/h"
    Supporter.objects.create(email="donor@example.org", language="ru")
    sign_in = url("donations:supporter_sign_in", "ru")
    for _ in range(3):
        assert client.post(sign_in, {"email": "donor@example.org"}).status_code == 200
    assert len(mailoutbox) == 3

    # The same address written otherwise is the same address.
    refused = client.post(sign_in, {"email": " Donor@Example.ORG "})

    assert_refused(refused, "ru")
    assert len(mailoutbox) == 3
    # Another address from the same client is still served (the client limit is higher).
    assert client.post(sign_in, {"email": "other@example.org"}).status_code == 200


def test_sign_in_links_per_client(client, campaigns, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "2/h"
    for number in range(2):
        Supporter.objects.create(email=f"donor{number}@example.org", language="en")
        client.post(url("donations:supporter_sign_in", "en"), {"email": f"donor{number}@x.org"})
    Supporter.objects.create(email="donor9@example.org", language="en")

    refused = client.post(
        url("donations:supporter_sign_in", "zh-hans"), {"email": "donor9@example.org"}
    )

    assert_refused(refused, "zh-hans")
    assert mailoutbox == []


def test_report_subscriptions_per_client(client, campaigns, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_CLIENT = "3/h"
    subscribe = url("donations:subscribe", "en", campaigns.patrols.pk)
    with committed():
        for number in range(3):
            assert client.post(subscribe, {"email": f"a{number}@example.org"}).status_code == 302

    with committed():
        refused = client.post(subscribe, {"email": "a3@example.org"})

    assert_refused(refused, "en")
    assert CampaignSubscriber.objects.count() == 3
    assert len(mailoutbox) == 3


def test_report_subscriptions_per_address(client, campaigns, settings, mailoutbox):
    settings.RATE_LIMIT_EMAILS_PER_ADDRESS = "1/h"
    client.post(url("donations:subscribe", "ru", campaigns.patrols.pk), {"email": "a@example.org"})

    refused = client.post(
        url("donations:subscribe", "ru", campaigns.feeding.pk), {"email": "a@example.org"}
    )

    assert_refused(refused, "ru")
    assert list(CampaignSubscriber.objects.values_list("campaign", flat=True)) == [
        campaigns.patrols.pk
    ]


def test_checkouts_per_client(client, campaigns, demo_checkout, settings):
    settings.RATE_LIMIT_CHECKOUTS_PER_CLIENT = "2/h"
    for number in range(2):
        response = client.post(give_url(campaigns.patrols, "en"), form(email=f"g{number}@x.org"))
        assert response.status_code == 302

    refused = client.post(give_url(campaigns.patrols, "ru"), form(email="g2@x.org"))

    assert_refused(refused, "ru")
    assert Donation.objects.count() == Payment.objects.count() == 2


def test_checkouts_per_address(client, campaigns, demo_checkout, settings):
    settings.RATE_LIMIT_CHECKOUTS_PER_ADDRESS = "1/h"
    assert client.post(give_url(campaigns.patrols, "en"), form()).status_code == 302

    refused = client.post(give_url(campaigns.feeding, "en"), form(email="ANNA@example.org"))

    assert_refused(refused, "en")
    assert Donation.objects.count() == 1
