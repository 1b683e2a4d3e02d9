"""Staff screens: payments (with refunds) and Stripe's event log (with retry).

Payments and events are written only by the services; the admin reads them, refunds, and
retries. Nobody (not even a superuser) adds, edits or deletes them here.
"""

import datetime
import json
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import ModelPermissionPolicy

from cms.formats import local_date
from payments import services
from payments.models import Payment, Refund, Renewal, WebhookEvent
from payments.money import CurrencyError, format_amount, major_to_minor, minor_to_major
from payments.registry import may_see, purposes_visible_to

REFUND_PERMISSION = "payments.refund_payment"
RETRY_PERMISSION = "payments.retry_webhookevent"


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View only: payments and events change through the services, never by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class LocalTimeInspectView(generic.InspectView):
    """Times in the portal's time zone (as the listings show them), yes/no and a dash for
    empty values, instead of UTC, True/False and None; amounts (shown as money by the views
    below) labelled without "(minor units)"."""

    MONEY_LABELS = {"amount_minor": _("amount"), "refunded_minor": _("refunded")}

    def get_field_label(self, field_name, field):
        if field_name in self.MONEY_LABELS:
            return capfirst(self.MONEY_LABELS[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if value is None:
            return "—"
        return value


def visible_payments(user, queryset=None, prefix=""):
    """`queryset` (payments by default) narrowed to the purposes `user` may see: rights
    follow a payment's purpose (registry.register(permission=...))."""
    queryset = queryset if queryset is not None else Payment.objects.all()
    visible = purposes_visible_to(user)
    if visible is None:
        return queryset
    return queryset.filter(**{f"{prefix}purpose__in": visible})


class PaymentInspectView(LocalTimeInspectView):
    template_name = "payments/admin/payment_inspect.html"

    def get_object(self, queryset=None):
        payment = super().get_object(queryset)
        if not may_see(self.request.user, payment.purpose):
            raise PermissionDenied
        return payment

    def get_amount_minor_display_value(self):
        return format_amount(self.object.amount_minor, self.object.currency)

    def get_refunded_minor_display_value(self):
        return format_amount(self.object.refunded_minor, self.object.currency)

    def get_content_type_display_value(self):
        paid_for = self.object.paid_for
        label = self.object.content_type.name
        return (
            f"{label}: {paid_for}" if paid_for is not None else f"{label} #{self.object.object_id}"
        )

    @cached_property
    def header_buttons(self):
        if (
            self.object.refundable_minor
            and self.request.user.has_perm(REFUND_PERMISSION)
            and may_see(self.request.user, self.object.purpose)
        ):
            return [
                HeaderButton(
                    _("Refund"),
                    url=reverse("payments_admin:refund", args=[self.object.pk]),
                    icon_name="rotate",
                )
            ]
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refunds"] = self.object.refunds.select_related("by_user", "renewal")
        context["events"] = self.object.events.all()[:50]
        context["charges"] = refundable_charges(self.object, self.request.user)
        return context


def refund_url(payment, renewal=None, next_url=None):
    if renewal is None:
        url = reverse("payments_admin:refund", args=[payment.pk])
    else:
        url = reverse("payments_admin:refund_renewal", args=[payment.pk, renewal.pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def refundable_charges(payment, user, next_url=None):
    """The payment's charges (first, later months), each with its refund link for staff who
    may refund; used by payments' and donations' admin screens."""
    may_refund = user.has_perm(REFUND_PERMISSION) and may_see(user, payment.purpose)
    charges = services.charges_of(payment)
    for charge in charges:
        charge["refund_url"] = (
            refund_url(payment, charge["renewal"], next_url)
            if may_refund and charge["refundable_minor"]
            else ""
        )
    return charges


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund"), min_value=Decimal("0.01"))
    reason = forms.ChoiceField(label=_("Reason"), choices=Refund.Reason.choices)
    note = forms.CharField(
        label=_("Note for colleagues"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    # One token per rendered form: submitting the same form twice refunds once.
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, payment, charge, **kwargs):
        self.payment = payment
        self.charge = charge  # the payment itself (its first charge) or a Renewal
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("At most %(amount)s (%(currency)s).") % {
            "amount": format_amount(self.refundable_minor, payment.currency),
            "currency": payment.currency,
        }

    @property
    def refundable_minor(self):
        return self.charge.refundable_minor

    def clean_amount(self):
        try:
            amount_minor = major_to_minor(self.cleaned_data["amount"], self.payment.currency)
        except (CurrencyError, InvalidOperation):
            raise forms.ValidationError(_("Too many decimals for this currency.")) from None
        if amount_minor > self.refundable_minor:
            raise forms.ValidationError(
                _("That is more than this charge took: at most %(amount)s can be refunded.")
                % {"amount": format_amount(self.refundable_minor, self.payment.currency)}
            )
        return amount_minor


class RefundView(WagtailAdminTemplateMixin, FormView):
    """Refunds the first charge of a payment, or (renewal_pk) one later month of it."""

    template_name = "payments/admin/refund.html"
    form_class = RefundForm
    page_title = _("Refund")
    header_icon = "rotate"

    def dispatch(self, request, pk, renewal_pk=None):
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied
        self.payment = get_object_or_404(Payment, pk=pk)
        if not may_see(request.user, self.payment.purpose):
            raise PermissionDenied
        self.renewal = (
            get_object_or_404(Renewal, pk=renewal_pk, payment=self.payment)
            if renewal_pk is not None
            else None
        )
        return super().dispatch(request, pk)

    @property
    def charge(self):
        return self.renewal or self.payment

    def get_page_subtitle(self):
        if self.renewal:
            return _("%(payment)s, month paid %(date)s") % {
                "payment": self.payment,
                "date": local_date(self.renewal.paid_at),
            }
        return str(self.payment)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("payments_admin:index"), "label": Payment._meta.verbose_name_plural},
            {
                "url": reverse("payments_admin:inspect", args=[self.payment.pk]),
                "label": str(self.payment),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "payment": self.payment, "charge": self.charge}

    def get_initial(self):
        return {
            "amount": minor_to_major(self.charge.refundable_minor, self.payment.currency),
            "token": uuid.uuid4().hex,
        }

    def next_url(self):
        candidate = self.request.POST.get("next") or self.request.GET.get("next")
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={self.request.get_host()}
        ):
            return candidate
        return reverse("payments_admin:inspect", args=[self.payment.pk])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "payment": self.payment,
            "renewal": self.renewal,
            "charge": self.charge,
            "next_url": self.next_url(),
        }

    def form_valid(self, form):
        try:
            refund = services.refund(
                self.payment,
                form.cleaned_data["amount"],
                renewal=self.renewal,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by_user=self.request.user,
                idempotency_key=f"admin-{form.cleaned_data['token']}",
            )
        except services.RefundError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if refund.counted:
            messages.success(
                self.request,
                _("Refunded %(amount)s.")
                % {"amount": format_amount(refund.amount_minor, self.payment.currency)},
            )
        else:
            messages.error(
                self.request,
                _("Stripe could not refund %(amount)s: %(status)s.")
                % {
                    "amount": format_amount(refund.amount_minor, self.payment.currency),
                    "status": refund.get_status_display(),
                },
            )
        return redirect(self.next_url())


def visible_events(user, queryset=None):
    """Stripe events of the payments `user` may see. An event linked to no payment (not
    ours, or failed before it was applied) may hold anyone's details: only those who may
    retry events (administrators) see it."""
    queryset = queryset if queryset is not None else WebhookEvent.objects.all()
    visible = purposes_visible_to(user)
    if visible is None:
        return queryset
    mine = Q(payment__purpose__in=visible)
    if user.has_perm(RETRY_PERMISSION):
        mine |= Q(payment__isnull=True)
    return queryset.filter(mine)


class PaymentIndexView(generic.IndexView):
    """Each role lists only the payments of its purposes."""

    def get_base_queryset(self):
        return visible_payments(self.request.user, super().get_base_queryset())


class RefundIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("payment", "by_user")
        return visible_payments(self.request.user, queryset, "payment__")


class WebhookEventIndexView(generic.IndexView):
    def get_base_queryset(self):
        return visible_events(self.request.user, super().get_base_queryset())


class WebhookEventInspectView(LocalTimeInspectView):
    template_name = "payments/admin/event_inspect.html"

    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        if not visible_events(self.request.user).filter(pk=event.pk).exists():
            raise PermissionDenied
        return event

    def get_payload_display_value(self):
        return format_html(
            "<pre>{}</pre>", json.dumps(self.object.payload, indent=2, ensure_ascii=False)
        )

    @cached_property
    def header_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_retry"] = self.object.status == WebhookEvent.Status.FAILED and (
            self.request.user.has_perm(RETRY_PERMISSION)
        )
        return context


@require_POST
def retry_event(request, pk):
    if not request.user.has_perm(RETRY_PERMISSION):
        raise PermissionDenied
    record = get_object_or_404(WebhookEvent, pk=pk)
    try:
        outcome = services.retry_event(record)
    except Exception as exc:
        messages.error(request, _("The event failed again: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Event retried: %(outcome)s.") % {"outcome": outcome})
    return redirect("payment_events:inspect", pk)
