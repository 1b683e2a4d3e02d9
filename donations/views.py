"""Views parse the request, call one service and render; every page works without JavaScript."""

import logging

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cms.ratelimits import ADDRESS, Limit, rate_limited
from donations import certificates, services
from donations.forms import EmailForm
from donations.models import CampaignPage, CampaignSubscriber, Donation, DonationEntry

logger = logging.getLogger(__name__)


def _campaign(campaign_id):
    return get_object_or_404(CampaignPage.objects.live().public(), pk=campaign_id)


@require_http_methods(["GET", "POST"])
@rate_limited(
    "donation_checkout",
    Limit("RATE_LIMIT_CHECKOUTS_PER_CLIENT"),
    Limit("RATE_LIMIT_CHECKOUTS_PER_ADDRESS", by=ADDRESS),
)
def give(request, campaign_id):
    campaign = _campaign(campaign_id)
    if request.method == "GET":
        return redirect(campaign.get_url(request) + "#give")
    form = services.giving_form(campaign, request.POST)
    status = 400
    if not campaign.is_open():
        form.is_valid()
        form.add_error(None, services.GivingError.closed_message())
        status = 409
    elif form.is_valid() and form.needs_check:
        # "1,500" is fifteen hundred in English and one and a half in Russian: before any
        # payment the donor sees the amount as we read it, and confirms or corrects it.
        form = form.for_check()
        status = 200
    elif form.is_valid():
        try:
            url = services.start_donation(
                campaign,
                form.cleaned_data,
                language=translation.get_language(),
                absolute=request.build_absolute_uri,
            )
        except services.GivingError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            return HttpResponseRedirect(url)
    context = {
        "page": campaign,
        "campaign": campaign,
        **services.campaign_context(request, campaign, form),
    }
    return render(request, "donations/give.html", context, status=status)


@never_cache
def thanks(request, reference):
    donation = get_object_or_404(
        Donation.objects.select_related("campaign", "leopard", "payment"), reference=reference
    )
    context = {"donation": donation, "campaign": donation.campaign}
    if donation.leopard_id and donation.is_confirmed:
        context["certificate_token"] = services.certificate_token(donation)
    return render(request, "donations/thanks.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_monthly(request, token):
    donation = services.donation_for_cancel_token(token)
    if donation is None:
        return render(request, "donations/link_unknown.html", status=404)
    error = ""
    if request.method == "POST":
        try:
            services.cancel_monthly(donation)
        except services.GivingError as exc:
            error = str(exc)
        else:
            donation.refresh_from_db()
    return render(
        request,
        "donations/cancel_monthly.html",
        {"donation": donation, "error": error},
        status=503 if error else 200,
    )


@require_POST
@rate_limited(
    "report_subscription",
    Limit("RATE_LIMIT_EMAILS_PER_CLIENT"),
    Limit("RATE_LIMIT_EMAILS_PER_ADDRESS", by=ADDRESS),
)
def subscribe(request, campaign_id):
    campaign = _campaign(campaign_id)
    form = EmailForm(request.POST)
    if not form.is_valid():
        context = {"campaign": campaign, "form": form}
        return render(request, "donations/subscribe_form.html", context, status=400)
    services.ask_for_updates(campaign.pk, form.cleaned_data["email"], translation.get_language())
    return redirect("donations:subscribe_sent")


def subscribe_sent(request):
    return render(request, "donations/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_updates(request, token):
    subscriber = CampaignSubscriber.objects.select_related("campaign").filter(token=token).first()
    if subscriber is None:
        return render(request, "donations/link_unknown.html", status=404)
    if request.method == "POST":
        services.confirm_updates(token)
        subscriber.refresh_from_db()
    return render(request, "donations/confirm_updates.html", {"subscriber": subscriber})


@csrf_exempt  # one-click unsubscribe (RFC 8058) comes from mail clients, without a cookie
@never_cache
@require_http_methods(["GET", "POST"])
def stop_updates(request, token):
    subscriber = CampaignSubscriber.objects.select_related("campaign").filter(token=token).first()
    if subscriber is None:
        return render(request, "donations/link_unknown.html", status=404)
    if request.method == "POST":
        services.stop_updates(token)
        subscriber.refresh_from_db()
    return render(request, "donations/stop_updates.html", {"subscriber": subscriber})


def certificate(request, token):
    donation = services.donation_for_certificate(token)
    if donation is None or donation.leopard is None:
        raise Http404("no such certificate")
    try:
        png = certificates.render_png(donation, translation.get_language())
    except certificates.CertificateFontMissing as error:
        # Only in the embedded mode: production does not start without the font (checks.py).
        logger.error("%s", error)
        return render(request, "donations/certificate_unavailable.html", status=503)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = (
        f'inline; filename="certificate-{donation.leopard.code.replace(" ", "-")}.png"'
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- The supporter page ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(
    "supporter_sign_in",
    Limit("RATE_LIMIT_EMAILS_PER_CLIENT"),
    Limit("RATE_LIMIT_EMAILS_PER_ADDRESS", by=ADDRESS),
)
def supporter_sign_in(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_sign_in(form.cleaned_data["email"], translation.get_language())
        return render(request, "donations/supporter_link_sent.html")
    status = 400 if request.method == "POST" else 200
    return render(request, "donations/supporter_sign_in.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def supporter_link(request, token):
    # GET only shows a button: mail scanners that open links must not use the link up.
    supporter = services.supporter_for_token(token)
    if supporter is None:
        return render(request, "donations/supporter_link_invalid.html", status=404)
    if request.method == "POST":
        services.sign_in(request, supporter)
        return redirect("donations:supporter_home")
    return render(request, "donations/supporter_link.html", {"token": token})


@never_cache
def supporter_home(request):
    supporter = services.signed_in_supporter(request)
    if supporter is None:
        return redirect("donations:supporter_sign_in")
    context = {"supporter": supporter, **services.supporter_overview(supporter)}
    for donation in context["monthly"]:
        donation.cancel_token = services.cancel_token(donation)
    for donation in context["donations"]:
        if donation.leopard_id and donation.is_confirmed:
            donation.certificate_token = services.certificate_token(donation)
    return render(request, "donations/supporter_home.html", context)


@require_POST
def supporter_sign_out(request):
    services.sign_out(request)
    return redirect("donations:supporter_sign_in")


@never_cache
def receipt(request, entry_id):
    supporter = services.signed_in_supporter(request)
    if supporter is None:
        return redirect(reverse("donations:supporter_sign_in"))
    entry = get_object_or_404(
        DonationEntry.objects.select_related("donation__campaign", "donation__leopard"),
        pk=entry_id,
        donation__supporter=supporter,
        kind__in=DonationEntry.GIFT_KINDS,
    )
    return render(request, "donations/receipt.html", {"entry": entry, "donation": entry.donation})
