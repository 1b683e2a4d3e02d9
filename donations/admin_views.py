"""Fundraising staff's actions on a donation (moderate its message, stop a monthly gift,
resend a receipt), a donor's history and the totals over a date range.

Each action is a Wagtail log entry on the donation (who, when, and the reason staff gave), so
the donation's history in the admin tells what was done to it.
"""

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import EditView
from wagtail.log_actions import log

from donations import services
from donations.models import Donation, DonationEntry, Supporter
from payments.money import format_amount

TOTALS_PERMISSION = "donations.view_fundraising_totals"
STOP_PERMISSION = "donations.stop_monthly_donation"
RESEND_PERMISSION = "donations.resend_donation_receipt"
HISTORY_PERMISSION = "donations.view_donation"

MESSAGE_APPROVED = "donations.message_approved"
MESSAGE_REJECTED = "donations.message_rejected"
MONTHLY_STOPPED = "donations.monthly_stopped"
RECEIPT_RESENT = "donations.receipt_resent"
CERTIFICATE_RESENT = "donations.certificate_resent"


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _inspect_url(donation):
    return reverse("donations_admin:inspect", args=[donation.pk])


# --- Moderating a donor's message ------------------------------------------------------------


class ModerationForm(WagtailAdminModelForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Kept in the donation's history, for whoever looks next."),
    )


class ModerationEditView(EditView):
    """The moderation screen: the message, the decision, its reason; the decision is logged."""

    def save_instance(self):
        before = self.form.initial.get("message_status")
        instance = self.form.save()
        self.has_content_changes = self.form.has_changed()
        status = instance.message_status
        if status != before and status in (
            Donation.MessageStatus.APPROVED,
            Donation.MessageStatus.REJECTED,
        ):
            action = (
                MESSAGE_APPROVED
                if status == Donation.MessageStatus.APPROVED
                else (MESSAGE_REJECTED)
            )
            log(instance=instance, action=action, data={"reason": self.form.cleaned_data["reason"]})
        else:
            log(instance=instance, action="wagtail.edit", content_changed=self.has_content_changes)
        return instance


# --- Stopping a monthly gift -------------------------------------------------------------------


class StopMonthlyForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("For example: the donor asked by telephone on 3 March."),
    )


def stop_monthly(request, donation_id):
    """Stops a donor's monthly gift (Stripe stops charging first), after a reason is given."""
    _require(request, STOP_PERMISSION)
    donation = get_object_or_404(
        Donation.objects.select_related("campaign", "payment", "supporter"), pk=donation_id
    )
    if not donation.is_monthly_active:
        messages.warning(request, _("This gift is not an active monthly gift."))
        return redirect(_inspect_url(donation))
    form = StopMonthlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stopped = services.cancel_monthly(donation)
        except services.GivingError as error:
            messages.error(request, str(error))
            return redirect(_inspect_url(donation))
        if stopped:
            log(
                instance=donation,
                action=MONTHLY_STOPPED,
                data={"reason": form.cleaned_data["reason"]},
            )
            messages.success(
                request,
                _("The monthly gift of %(donor)s is stopped: no further month will be charged.")
                % {"donor": donation.supporter.email},
            )
        return redirect(_inspect_url(donation))
    return TemplateResponse(
        request,
        "donations/admin/stop_monthly.html",
        {"donation": donation, "form": form, "inspect_url": _inspect_url(donation)},
        status=400 if request.method == "POST" else 200,
    )


# --- Resending a receipt ----------------------------------------------------------------------


@require_POST
def resend_receipt(request, entry_id):
    _require(request, RESEND_PERMISSION)
    entry = get_object_or_404(
        DonationEntry.objects.select_related("donation__supporter"),
        pk=entry_id,
        kind__in=DonationEntry.GIFT_KINDS,
    )
    services.resend_receipt(entry)
    log(
        instance=entry.donation,
        action=RECEIPT_RESENT,
        data={"receipt": entry.receipt_number, "reason": request.POST.get("reason", "")[:300]},
    )
    messages.success(
        request,
        _("Receipt %(number)s is sent again to %(email)s.")
        % {"number": entry.receipt_number, "email": entry.donation.supporter.email},
    )
    return redirect(_inspect_url(entry.donation))


@require_POST
def resend_certificate(request, donation_id):
    """The sponsor's certificate on its own, apart from the receipt."""
    _require(request, RESEND_PERMISSION)
    donation = get_object_or_404(
        Donation.objects.select_related("supporter", "leopard"), pk=donation_id
    )
    try:
        services.resend_certificate(donation)
    except services.GivingError as error:
        messages.error(request, str(error))
        return redirect(_inspect_url(donation))
    log(instance=donation, action=CERTIFICATE_RESENT, data={"reason": ""})
    messages.success(
        request,
        _("The certificate is sent again to %(email)s.") % {"email": donation.supporter.email},
    )
    return redirect(_inspect_url(donation))


# --- A donor's history ------------------------------------------------------------------------


def donor_history(request, supporter_id):
    _require(request, HISTORY_PERMISSION)
    supporter = get_object_or_404(Supporter, pk=supporter_id)
    form = TotalsRangeForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    donations = services.donor_history(supporter, start, end)
    if request.GET.get("export") == "csv" and (not form.is_bound or form.is_valid()):
        return donor_history_csv(supporter, donations)
    given = {}
    for donation in donations:
        for entry in donation.entries.all():
            given[donation.currency] = given.get(donation.currency, 0) + entry.amount_minor
    return TemplateResponse(
        request,
        "donations/admin/donor_history.html",
        {
            "supporter": supporter,
            "donations": donations,
            "form": form,
            "export_query": request.GET.urlencode(),
            "given": [format_amount(amount, currency) for currency, amount in given.items()],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def donor_history_csv(supporter, donations):
    """One row per movement of money (gift, month, refund), as staff read it: park time,
    labels in the staff member's language, amounts as money."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="donor-{supporter.pk}.csv"'
    response.write("\ufeff")  # spreadsheet programs then read the Cyrillic and Chinese right
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date"),
            _("Campaign"),
            _("Leopard"),
            _("Frequency"),
            _("Status"),
            _("Kind"),
            _("Receipt"),
            _("Amount"),
        ]
    )
    for donation in donations:
        for entry in sorted(donation.entries.all(), key=lambda e: (e.created_at, e.pk)):
            writer.writerow(
                [
                    formats.localize(timezone.localtime(entry.created_at)),
                    _safe_cell(donation.campaign.title),
                    _safe_cell(donation.leopard.title) if donation.leopard_id else "",
                    donation.get_frequency_display(),
                    donation.get_status_display(),
                    entry.get_kind_display(),
                    entry.receipt_number if entry.kind in DonationEntry.GIFT_KINDS else "",
                    format_amount(entry.amount_minor, donation.currency),
                ]
            )
    return response


def _safe_cell(value):
    """A title a spreadsheet would run as a formula is written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# --- Totals over a date range -------------------------------------------------------------------


class TotalsRangeForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the range is before its start."))
        return cleaned


def totals_view(request):
    _require(request, TOTALS_PERMISSION)
    form = TotalsRangeForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    per_campaign = services.totals_per_campaign(start, end)
    if request.GET.get("export") == "csv" and (not form.is_bound or form.is_valid()):
        return totals_csv(per_campaign, start, end)
    return TemplateResponse(
        request,
        "donations/admin/totals.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "per_campaign": per_campaign,
            "per_month": services.totals_per_month(start=start, end=end),
            "pending_messages": Donation.objects.filter(
                message_status=Donation.MessageStatus.PENDING
            ).count(),
            "export_query": request.GET.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def totals_csv(per_campaign, start, end):
    """The per-campaign totals as staff read them: formatted amounts, the range in the name."""
    name = "fundraising-totals"
    if start or end:
        name += f"-{start or ''}-{end or ''}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # spreadsheet programs then read the Cyrillic and Chinese right
    writer = csv.writer(response)
    writer.writerow(
        [_("From"), _("To"), _("Campaign"), _("Currency"), _("Raised"), _("Refunded"), _("Gifts")]
    )
    for row in per_campaign:
        writer.writerow(
            [
                formats.localize(start) if start else "",
                formats.localize(end) if end else formats.localize(timezone.localdate()),
                row["campaign"],
                row["currency"],
                format_amount(row["raised"], row["currency"]),
                format_amount(row["refunded"], row["currency"]),
                row["gifts"],
            ]
        )
    return response
