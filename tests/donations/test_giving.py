"""The giving form: good gifts reach the checkout; bad input gets a clear error and no charge."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from donations.models import Donation
from payments.models import Payment


def give_url(campaign, language="ru"):
    with translation.override(language):
        return reverse("donations:give", args=[campaign.pk])


def form(**overrides):
    data = {
        "amount": "other",
        "other_amount": "30",
        "currency": "USD",
        "frequency": "once",
        "name": "Anna",
        "email": "Anna@Example.org",
        "show_name": "on",
        "message": "",
        "leopard": "",
    }
    data.update(overrides)
    return data


def test_a_gift_goes_to_the_test_checkout(client, campaigns, demo_checkout):
    response = client.post(
        give_url(campaigns.patrols, "en"), form(other_amount="1 234.50", understood="123450")
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/en/payments/test-checkout/")
    donation = Donation.objects.get()
    assert (donation.amount_minor, donation.currency, donation.language) == (123_450, "USD", "en")
    assert donation.supporter.email == "anna@example.org"
    payment = Payment.objects.get()
    assert (payment.amount_minor, payment.mode, payment.purpose) == (123_450, "payment", "donation")
    assert payment.success_url.endswith(f"/en/donations/thanks/{donation.reference}/")


def test_a_preset_amount_monthly_sponsoring_a_leopard(client, campaigns, demo_checkout):
    response = client.post(
        give_url(campaigns.patrols),
        form(amount="6000", other_amount="", frequency="monthly", leopard=str(campaigns.grace.pk)),
    )

    assert response.status_code == 302
    donation = Donation.objects.get()
    assert (donation.amount_minor, donation.frequency, donation.leopard_id) == (
        6000,
        "monthly",
        campaigns.grace.pk,
    )
    assert Payment.objects.get().mode == "subscription"
    assert "Грейс" in Payment.objects.get().description


BAD_AMOUNTS = [
    ("abc", "Введите сумму числом"),
    ("-5", "больше нуля"),
    ("0", "больше нуля"),
    ("1", "Самый маленький взнос"),
    ("5000.01", "Самый большой взнос"),
    ("999999", "Самый большой взнос"),
    ("12.345", "слишком много знаков"),
    ("", "Выберите или введите сумму"),
]


@pytest.mark.parametrize(("amount", "message"), BAD_AMOUNTS)
def test_bad_amounts_are_refused_in_the_visitors_language(
    client, campaigns, demo_checkout, amount, message
):
    response = client.post(give_url(campaigns.patrols, "ru"), form(other_amount=amount))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()
    assert not Donation.objects.exists()


def test_a_preset_amount_that_the_page_did_not_offer_is_refused(client, campaigns, demo_checkout):
    response = client.post(give_url(campaigns.patrols, "en"), form(amount="1", other_amount=""))
    assert response.status_code == 400
    assert "Please choose one of the amounts shown." in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["²", "６０００", "99999999999999999"])
def test_a_preset_amount_in_other_digits_is_refused_not_a_500(campaigns, demo_checkout, amount):
    response = Client(raise_request_exception=False).post(
        give_url(campaigns.patrols, "en"), form(amount=amount, other_amount="")
    )
    assert response.status_code == 400
    assert "Please choose one of the amounts shown." in response.content.decode()
    assert not Payment.objects.exists()
    assert not Donation.objects.exists()


@pytest.mark.parametrize("leopard", ["²", "99999999999999999999999", "-1"])
def test_a_campaign_page_refuses_a_bad_leopard_to_sponsor(campaigns, leopard):
    response = Client(raise_request_exception=False).get(
        campaigns.patrols.get_url(), {"leopard": leopard}
    )
    assert response.status_code == 400


def test_a_currency_the_campaign_does_not_take_is_refused(client, campaigns, demo_checkout):
    response = client.post(give_url(campaigns.patrols, "zh-hans"), form(currency="EUR"))
    assert response.status_code == 400
    assert "本活动只接受 USD 捐款" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("field", ["name", "message"])
def test_script_in_names_and_messages_is_refused(client, campaigns, demo_checkout, field):
    response = client.post(
        give_url(campaigns.patrols, "en"), form(**{field: "<script>alert(1)</script>"})
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Please write plain text, without HTML tags." in body
    assert "<script>alert(1)" not in body
    assert not Payment.objects.exists()


def test_a_closed_campaign_takes_nothing(client, campaigns, demo_checkout):
    response = client.post(
        give_url(campaigns.feeding, "ru"), form(currency="RUB", other_amount="500")
    )
    assert response.status_code == 409
    assert "Этот сбор закрыт" in response.content.decode()
    assert not Payment.objects.exists()
    page = client.get(campaigns.feeding.get_url())
    assert f"/donations/campaigns/{campaigns.feeding.pk}/give/" not in page.content.decode()


def test_without_any_checkout_nothing_is_charged(client, campaigns, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.post(give_url(campaigns.patrols, "en"), form())
    assert response.status_code == 409
    assert "Online giving is not available at the moment. Nothing was charged." in (
        response.content.decode()
    )
    assert not Payment.objects.exists()


def test_naming_yourself_on_the_wall_needs_a_name(client, campaigns, demo_checkout):
    response = client.post(give_url(campaigns.patrols, "en"), form(name=""))
    assert response.status_code == 400
    assert "Please give the name to show" in response.content.decode()


def test_get_on_the_give_address_leads_to_the_form(client, campaigns):
    response = client.get(give_url(campaigns.patrols, "en"))
    assert response.status_code == 302
    assert response["Location"].endswith("/en/support/patrols/#give")


def test_the_campaign_page_offers_amounts_with_what_they_buy(client, campaigns, demo_checkout):
    with translation.override("en"):
        url = campaigns.patrols.get_url()
    body = client.get(url).content.decode()
    assert "$25" in body and "fuel for a patrol" in body
    assert 'data-campaign-progress="campaign:' in body
    assert "Grace (Leo 45F)" in body  # a leopard to sponsor
    assert "From $5 to $5,000." in body


@pytest.mark.parametrize(
    ("language", "typed", "minor", "shown", "written_back"),
    [
        ("en", "1,500", 150_000, "$1,500", "1,500"),
        ("zh-hans", "1,500", 150_000, "US$1,500", "1,500"),
        ("zh-hans", "１，５００", 150_000, "US$1,500", "1,500"),
        ("en", "1,500.50", 150_050, "$1,500.50", "1,500.50"),
        ("ru", "1 500,50", 150_050, "1\xa0500,50\xa0$", "1\xa0500,50"),
        ("ru", "1500.5", 150_050, "1\xa0500,50\xa0$", "1\xa0500,50"),
    ],
)
def test_a_typed_amount_is_read_by_the_visitors_language_and_shown_before_paying(
    client, campaigns, demo_checkout, language, typed, minor, shown, written_back
):
    """ "1,500" is fifteen hundred in English and Chinese (it was read as 1.5): the donor sees
    the amount as understood, in their language's format, and continues from there."""
    url = give_url(campaigns.patrols, language)
    response = client.post(url, form(other_amount=typed))

    assert response.status_code == 200
    assert not Payment.objects.exists()
    body = response.content.decode()
    assert f"<strong>{shown}</strong>" in body
    assert f'name="understood" value="{minor}"' in body
    assert f'value="{written_back}"' in body

    # The donor continues with what the page now holds: the gift is what they saw.
    response = client.post(url, form(other_amount=written_back, understood=str(minor)))
    assert response.status_code == 302
    assert Donation.objects.get().amount_minor == minor
    assert Payment.objects.get().amount_minor == minor


def test_a_russian_decimal_comma_is_not_fifteen_hundred(client, campaigns, demo_checkout):
    response = client.post(give_url(campaigns.patrols, "ru"), form(other_amount="1,5"))
    assert response.status_code == 400
    assert "Самый маленький взнос в этот сбор" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_amount_changed_after_the_check_is_checked_again(client, campaigns, demo_checkout):
    url = give_url(campaigns.patrols, "en")
    response = client.post(url, form(other_amount="2,000.50", understood="150000"))
    assert response.status_code == 200
    assert 'name="understood" value="200050"' in response.content.decode()
    assert not Payment.objects.exists()


def test_a_whole_number_needs_no_check(client, campaigns, demo_checkout):
    response = client.post(give_url(campaigns.patrols, "zh-hans"), form(other_amount="1500"))
    assert response.status_code == 302
    assert Donation.objects.get().amount_minor == 150_000


@pytest.mark.parametrize(("language", "sign"), [("ru", "$"), ("en", "$"), ("zh-hans", "US$")])
def test_the_other_amount_is_labelled_with_the_currencys_sign_not_its_code(
    client, campaigns, demo_checkout, language, sign
):
    with translation.override(language):
        url = campaigns.patrols.get_url()
    html = client.get(url).content.decode()
    at = html.index('name="other_amount"')
    label = html[html.rindex("<span>", 0, at) : at]
    assert f"({sign})</span>" in label
    assert "USD" not in label
