"""Fundraising staff's screens: donations (filters, CSV, refunds, moderation, monthly gifts,
receipts), donors' histories, totals, the dashboard panel and report publishing."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.permissions import ModelPermissionPolicy

from cms.admin_export import ReadableExportMixin
from donations import admin_views, services
from donations import panels as dashboard_panels  # noqa: F401  (registers itself)
from donations.admin_views import (
    RESEND_PERMISSION,
    STOP_PERMISSION,
    TOTALS_PERMISSION,
    ModerationEditView,
    ModerationForm,
)
from donations.models import CampaignReportPage, CampaignSubscriber, Donation, DonationEntry
from payments.admin_views import LocalTimeInspectView, refund_url, refundable_charges
from payments.money import format_amount

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

    def get_field_label(self, field_name, field):
        if field_name == "amount_minor":
            return _("Amount")
        return super().get_field_label(field_name, field)

    @cached_property
    def header_buttons(self):
        user = self.request.user
        buttons = []
        payment = self.object.payment
        if payment and payment.refundable_minor and user.has_perm(REFUND_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Refund"),
                    url=refund_url(payment, next_url=self.request.get_full_path()),
                    icon_name="rotate",
                )
            )
        if self.object.is_monthly_active and user.has_perm(STOP_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Stop the monthly gift"),
                    url=reverse("donations_stop_monthly", args=[self.object.pk]),
                    icon_name="cross",
                )
            )
        buttons.append(
            HeaderButton(
                _("Donor's history"),
                url=reverse("donations_donor_history", args=[self.object.supporter_id]),
                icon_name="history",
            )
        )
        return buttons

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
        context["can_resend"] = self.request.user.has_perm(RESEND_PERMISSION)
        context["can_resend_certificate"] = (
            context["can_resend"]
            and self.object.leopard_id
            and self.object.status in (Donation.Status.PAID, Donation.Status.PARTIALLY_REFUNDED)
        )
        context["gift_kinds"] = DonationEntry.GIFT_KINDS
        return context


class DonationIndexView(ReadableExportMixin, IndexView):
    export_headings = {"email": _("E-mail"), "amount_display": _("Amount")}


class DonationViewSet(ModelViewSet):
    model = Donation
    name = "donations_admin"
    url_prefix = "donations"
    icon = "success"
    menu_label = _("Donations")
    inspect_view_enabled = True
    inspect_view_class = DonationInspectView
    index_view_class = DonationIndexView
    edit_view_class = ModerationEditView
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
        "amount_display",
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
    # Moderating a message is the one change staff make here: the message is shown, not edited.
    edit_handler = ObjectList(
        [
            FieldPanel("name", read_only=True),
            FieldPanel("message", read_only=True),
            FieldPanel("message_status"),
            FieldPanel("reason"),
        ],
        base_form_class=ModerationForm,
    )

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


@hooks.register("register_admin_urls")
def register_fundraising_urls():
    return [
        path("fundraising/totals/", admin_views.totals_view, name="donations_totals"),
        path(
            "fundraising/donations/<int:donation_id>/stop-monthly/",
            admin_views.stop_monthly,
            name="donations_stop_monthly",
        ),
        path(
            "fundraising/receipts/<int:entry_id>/resend/",
            admin_views.resend_receipt,
            name="donations_resend_receipt",
        ),
        path(
            "fundraising/donations/<int:donation_id>/resend-certificate/",
            admin_views.resend_certificate,
            name="donations_resend_certificate",
        ),
        path(
            "fundraising/donors/<int:supporter_id>/",
            admin_views.donor_history,
            name="donations_donor_history",
        ),
    ]


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


class ReasonFormatter(LogFormatter):
    """The reason staff gave, shown beside the action in the donation's history."""

    def format_comment(self, log_entry):
        data = log_entry.data or {}
        return " · ".join(part for part in (data.get("receipt"), data.get("reason")) if part)

    def format_message(self, log_entry):
        comment = self.format_comment(log_entry)
        return f"{self.message}: {comment}" if comment else str(self.message)


@hooks.register("register_log_actions")
def register_fundraising_log_actions(actions):
    for action, label, message in [
        (admin_views.MESSAGE_APPROVED, _("Approve message"), _("Donor's message approved")),
        (admin_views.MESSAGE_REJECTED, _("Reject message"), _("Donor's message rejected")),
        (admin_views.MONTHLY_STOPPED, _("Stop monthly gift"), _("Monthly gift stopped")),
        (admin_views.RECEIPT_RESENT, _("Resend receipt"), _("Receipt sent again")),
        (
            admin_views.CERTIFICATE_RESENT,
            _("Resend certificate"),
            _("Sponsorship certificate sent again"),
        ),
    ]:
        actions.register_action(action)(
            type(
                "Formatter",
                (ReasonFormatter,),
                {"label": label, "message": message},
            )
        )


# --- Publishing a campaign report: how many will be e-mailed, before it is sent ----------------


@hooks.register("construct_page_action_menu")
def name_the_report_mailing(menu_items, request, context):
    page = context.get("page")
    if not isinstance(page, CampaignReportPage) or not page.pk:
        return
    count = services.subscribers_to_email(page)
    for item in menu_items:
        if item.name == "action-publish":
            item.label = (
                ngettext(
                    "Publish and e-mail %(count)s subscriber",
                    "Publish and e-mail %(count)s subscribers",
                    count,
                )
                % {"count": count}
                if count
                else _("Publish (no e-mail is sent)")
            )


@hooks.register("before_edit_page")
def warn_of_the_report_mailing(request, page):
    page = page.specific
    if isinstance(page, CampaignReportPage) and request.method == "GET":
        count = services.subscribers_to_email(page)
        if count:
            messages.warning(
                request,
                ngettext(
                    "Publishing this report e-mails it to %(count)s confirmed subscriber, once.",
                    "Publishing this report e-mails it to %(count)s confirmed subscribers, once.",
                    count,
                )
                % {"count": count},
            )
        elif services.report_already_sent(page):
            messages.info(
                request, _("This report was e-mailed already: publishing again sends nothing.")
            )
