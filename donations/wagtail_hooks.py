"""Fundraising staff's screens: donations (filters, CSV, refunds), messages, totals."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import ModelPermissionPolicy

from donations import services
from donations.models import CampaignSubscriber, Donation
from payments.admin_views import LocalTimeInspectView, refund_url, refundable_charges
from payments.money import format_amount

TOTALS_PERMISSION = "donations.view_fundraising_totals"
REFUND_PERMISSION = "payments.refund_payment"


class DonationPermissionPolicy(ModelPermissionPolicy):
    """Donations are made by donors and changed by payments; staff only moderate messages."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        if action == "change":
            return user.has_perm("donations.moderate_donation_messages")
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Subscribers confirm and unsubscribe themselves (double opt-in); staff only look."""

    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class DonationInspectView(LocalTimeInspectView):
    template_name = "donations/admin/donation_inspect.html"

    def get_amount_minor_display_value(self):
        return format_amount(self.object.amount_minor, self.object.currency)

    @cached_property
    def header_buttons(self):
        payment = self.object.payment
        if payment and payment.refundable_minor and self.request.user.has_perm(REFUND_PERMISSION):
            return [
                HeaderButton(
                    _("Refund"),
                    url=refund_url(payment, next_url=self.request.get_full_path()),
                    icon_name="rotate",
                )
            ]
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.object.payment
        # Each charge (the first, each later month) refunds on its own, through payments.
        context["charges"] = (
            refundable_charges(payment, self.request.user, self.request.get_full_path())
            if payment
            else []
        )
        context["refunds"] = payment.refunds.select_related("by_user", "renewal") if payment else []
        context["entries"] = self.object.entries.all()
        return context


class DonationViewSet(ModelViewSet):
    model = Donation
    name = "donations_admin"
    url_prefix = "donations"
    icon = "success"
    menu_label = _("Donations")
    inspect_view_enabled = True
    inspect_view_class = DonationInspectView
    copy_view_enabled = False
    list_display = [
        "created_at",
        "campaign",
        "name",
        "amount_display",
        "frequency",
        "status",
        "leopard",
        "message_status",
    ]
    list_filter = ["status", "frequency", "message_status", "campaign", "currency", "created_at"]
    list_export = [
        "created_at",
        "paid_at",
        "reference",
        "campaign",
        "name",
        "show_name",
        "email",
        "amount_minor",
        "currency",
        "frequency",
        "status",
        "monthly_cancelled_at",
        "leopard",
        "wants_updates",
        "language",
        "message",
        "message_status",
    ]
    export_filename = "donations"
    search_fields = ["name", "supporter__email", "message"]
    search_backend_name = None  # the database, not the site search index
    inspect_view_fields = [
        "campaign",
        "status",
        "amount_minor",
        "currency",
        "frequency",
        "monthly_cancelled_at",
        "name",
        "show_name",
        "supporter",
        "leopard",
        "message",
        "message_status",
        "wants_updates",
        "language",
        "reference",
        "payment",
        "created_at",
        "paid_at",
    ]
    # Moderating a message is the one change staff make here.
    form_fields = ["message_status"]

    @property
    def permission_policy(self):
        return DonationPermissionPolicy(self.model)

    def get_queryset(self, request):
        return Donation.objects.select_related("campaign", "leopard", "supporter")


class SubscriberViewSet(ModelViewSet):
    model = CampaignSubscriber
    name = "donation_subscribers"
    url_prefix = "donation-subscribers"
    icon = "mail"
    menu_label = _("Report subscribers")
    copy_view_enabled = False
    list_display = ["email", "campaign", "status", "language", "confirmed_at"]
    list_filter = ["status", "campaign", "language"]
    list_export = ["email", "campaign", "status", "language", "created_at", "confirmed_at"]
    search_fields = ["email"]
    search_backend_name = None
    form_fields = []

    @property
    def permission_policy(self):
        return ViewOnlyPermissionPolicy(self.model)


class FundraisingGroup(ModelViewSetGroup):
    menu_label = _("Fundraising")
    menu_icon = "success"
    menu_order = 390
    items = (DonationViewSet, SubscriberViewSet)


@hooks.register("register_admin_viewset")
def register_donations_admin():
    return FundraisingGroup()


def totals_view(request):
    if not request.user.has_perm(TOTALS_PERMISSION):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "donations/admin/totals.html",
        {
            "per_campaign": services.totals_per_campaign(),
            "per_month": services.totals_per_month(),
            "pending_messages": Donation.objects.filter(
                message_status=Donation.MessageStatus.PENDING
            ).count(),
        },
    )


@hooks.register("register_admin_urls")
def register_totals_url():
    return [path("fundraising/totals/", totals_view, name="donations_totals")]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_reports_menu_item")
def register_totals_menu_item():
    return PermissionMenuItem(
        _("Fundraising totals"),
        reverse("donations_totals"),
        icon_name="success",
        permission=TOTALS_PERMISSION,
        order=700,
    )


@hooks.register("register_admin_menu_item")
def register_messages_menu_item():
    return PermissionMenuItem(
        _("Donor messages to approve"),
        reverse("donations_admin:index") + "?message_status=pending",
        icon_name="comment",
        permission="donations.moderate_donation_messages",
        order=391,
    )
