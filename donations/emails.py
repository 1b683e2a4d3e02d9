"""The e-mails donors receive, each in the donor's own language."""

from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from donations import certificates, services
from live.services import absolute_url


def _message(to, subject, template, context, *, html=True, unsubscribe_url=None):
    headers = {}
    if unsubscribe_url:
        # One-click unsubscribe (RFC 8058): mail clients POST to the link.
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = mail.EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"donations/email/{template}.txt", context),
        to=[to],
        headers=headers,
    )
    if html:
        message.attach_alternative(
            render_to_string(f"donations/email/{template}.html", context), "text/html"
        )
    return message


def receipt_message(entry):
    donation = entry.donation
    with translation.override(donation.language):
        context = {
            "donation": donation,
            "entry": entry,
            "amount": entry.amount_minor,
            "campaign_title": donation.campaign.title,
            "campaign_url": absolute_url(donation.campaign.get_url()),
            "supporter_url": absolute_url(reverse("donations:supporter_sign_in")),
            "cancel_url": absolute_url(
                reverse("donations:cancel_monthly", args=[services.cancel_token(donation)])
            )
            if donation.frequency == donation.Frequency.MONTHLY
            else "",
            "certificate_url": absolute_url(
                reverse("donations:certificate", args=[services.certificate_token(donation)])
            )
            if donation.leopard_id
            else "",
            "leopard_name": donation.leopard.display_name if donation.leopard_id else "",
        }
        subject = _("Thank you: your receipt %(number)s") % {"number": entry.receipt_number}
        return _message(donation.supporter.email, subject, "receipt", context)


def certificate_message(donation):
    """The sponsor's certificate on its own, resent by staff: the PNG attached and its link."""
    with translation.override(donation.language):
        context = {
            "donation": donation,
            "leopard_name": donation.leopard.display_name,
            "certificate_url": absolute_url(
                reverse("donations:certificate", args=[services.certificate_token(donation)])
            ),
        }
        subject = _("Your sponsorship certificate: %(leopard)s") % {
            "leopard": context["leopard_name"]
        }
        message = _message(donation.supporter.email, subject, "certificate", context, html=False)
    message.attach(
        f"certificate-{donation.leopard.code.replace(' ', '-')}.png",
        certificates.render_png(donation, donation.language),
        "image/png",
    )
    return message


def confirmation_message(subscriber):
    with translation.override(subscriber.language):
        campaign = subscriber.campaign
        context = {
            "campaign_title": campaign.title,
            "confirm_url": absolute_url(
                reverse("donations:confirm_updates", args=[subscriber.token])
            ),
            "unsubscribe_url": absolute_url(
                reverse("donations:stop_updates", args=[subscriber.token])
            ),
        }
        subject = _("Please confirm: reports from %(campaign)s") % {"campaign": campaign.title}
        return _message(subscriber.email, subject, "confirm_updates", context, html=False)


def report_message(report, subscriber):
    with translation.override(subscriber.language):
        unsubscribe_url = absolute_url(reverse("donations:stop_updates", args=[subscriber.token]))
        context = {
            "report": report,
            "campaign_title": subscriber.campaign.title,
            "report_url": absolute_url(report.get_url()),
            "unsubscribe_url": unsubscribe_url,
        }
        return _message(
            subscriber.email, report.title, "report", context, unsubscribe_url=unsubscribe_url
        )


def sign_in_message(supporter, language):
    with translation.override(language):
        context = {
            "sign_in_url": absolute_url(
                reverse("donations:supporter_link", args=[services.sign_in_token(supporter)])
            ),
            "minutes": int(services.conf.SIGN_IN_LINK_LIFETIME.total_seconds() // 60),
        }
        subject = _("Your link to your supporter page")
        return _message(supporter.email, subject, "sign_in", context, html=False)
