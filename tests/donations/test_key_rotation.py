"""A donor's e-mailed links still work after the secret key is rotated, while the old key is
kept in SECRET_KEY_FALLBACKS, and stop working once it is dropped."""

import re

from django.core import mail
from django.urls import reverse
from django.utils import translation

from donations.models import CampaignSubscriber, Donation
from tests.donations.conftest import pay_with_test_checkout, sent_to, start
from tests.keys import rotate, sign_with_old_key

SITE = r"https://leopard\.example"


def link(message, pattern):
    return re.search(SITE + f"({pattern})", message.body)[1]


def sign_in_link(client, email):
    mail.outbox.clear()
    with translation.override("en"):
        client.post(reverse("donations:supporter_sign_in"), {"email": email})
    [message] = sent_to(email)
    return link(message, r"/en/donations/supporter/link/\S+/")


def test_a_sponsors_receipt_and_sign_in_links_outlive_the_old_key(
    client, settings, campaigns, demo_checkout
):
    sign_with_old_key(settings)
    donation, _ = start(
        campaigns.patrols, leopard=campaigns.grace, frequency=Donation.Frequency.MONTHLY
    )
    pay_with_test_checkout(donation)
    [receipt] = sent_to("anna@example.org")
    cancel = link(receipt, r"/en/donations/monthly/cancel/\S+/")
    certificate = link(receipt, r"/en/donations/certificate/\S+\.png")
    sign_in = sign_in_link(client, "anna@example.org")

    rotate(settings, keep_old=True)
    assert "Stop your monthly gift" in client.get(cancel).content.decode()
    response = client.get(certificate)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    # The sign-in link's signature and the state inside it (keyed) are both checked.
    assert client.get(sign_in).status_code == 200

    rotate(settings, keep_old=False)
    assert client.get(cancel).status_code == 404
    assert client.get(certificate).status_code == 404
    assert client.get(sign_in).status_code == 404
    assert client.post(sign_in).status_code == 404

    rotate(settings, keep_old=True)
    assert client.post(sign_in).status_code == 302
    assert client.get(reverse("donations:supporter_home")).status_code == 200
    assert client.post(cancel).status_code == 200
    donation.refresh_from_db()
    assert donation.monthly_cancelled_at is not None


def test_report_subscription_links_do_not_depend_on_the_key(client, settings, campaigns):
    """Their token is a random value stored with the subscriber, not a signature: a rotation
    leaves them working even without the old key."""
    sign_with_old_key(settings)
    subscriber = CampaignSubscriber.objects.create(
        campaign=campaigns.patrols, email="r@example.org", language="en"
    )
    with translation.override("en"):
        confirm = reverse("donations:confirm_updates", args=[subscriber.token])
        stop = reverse("donations:stop_updates", args=[subscriber.token])
    rotate(settings, keep_old=False)
    assert client.post(confirm).status_code == 200
    assert client.post(stop).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == CampaignSubscriber.Status.UNSUBSCRIBED
