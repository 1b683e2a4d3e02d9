"""The Tours menu of the Wagtail admin, the tourism desk's own screens, and the actions the
desk's history shows (who, when, why)."""

import datetime

from django.urls import include, path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from payments.money import format_amount
from tourism import admin_views, services
from tourism.models import Booking, GroupRequest, Slot, WaitingListEntry


class MadeByServicesPolicy(ModelPermissionPolicy):
    """Rows that only the booking services make and remove, never a blank admin form."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class SlotEditView(snippet_views.EditView):
    """Saves a date under its row lock: a capacity below the places taken is refused with the
    numbers; a moved start time is logged and every booker told (services.slot_changed)."""

    def save_instance(self):
        self.before = services.lock_slot_for_change(
            self.object.pk, capacity=self.form.cleaned_data["capacity"]
        )
        instance = super().save_instance()
        services.slot_changed(instance, self.before, by_user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.BookingError as exc:
            form.add_error("capacity", exc.message)
            self.produced_error_message = exc.message
            return self.form_invalid(form)


class SlotViewSet(SnippetViewSet):
    model = Slot
    icon = "date"
    edit_view_class = SlotEditView
    menu_label = _("Tour dates")
    list_display = ["__str__", "capacity", "guide_language", "status"]
    list_filter = ["status", "guide_language", "starts_at"]
    search_fields = ["tour__title"]
    search_backend_name = None
    ordering = ["starts_at"]
    copy_view_enabled = True
    panels = [
        FieldPanel("tour"),
        FieldRowPanel(
            [FieldPanel("starts_at"), FieldPanel("capacity"), FieldPanel("guide_language")]
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("price_adult"),
                        FieldPanel("price_child"),
                        FieldPanel("price_pupil"),
                    ]
                ),
                FieldRowPanel([FieldPanel("child_under_age"), FieldPanel("free_under_age")]),
            ],
            heading=_("Prices"),
        ),
        FieldRowPanel(
            [
                FieldPanel("min_party"),
                FieldPanel("max_party"),
                FieldPanel("opens_days_before"),
                FieldPanel("closes_hours_before"),
            ],
            heading=_("Booking rules"),
        ),
        # Cancelling goes through the desk (it refunds and tells every booker).
        FieldPanel("status", read_only=True),
    ]


class BookingInspectView(snippet_views.InspectView):
    """Amounts as money (not kopecks), times in park time, and the desk's "cancel and refund"."""

    MONEY_LABELS = {"amount_minor": _("Price"), "refunded_minor": _("refunded")}

    def get_field_label(self, field_name, field):
        if field_name in self.MONEY_LABELS:
            return capfirst(self.MONEY_LABELS[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if field_name in ("amount_minor", "refunded_minor"):
            return format_amount(getattr(self.object, field_name), self.object.currency)
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        return value

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.status == Booking.Status.CONFIRMED and self.request.user.has_perm(
            admin_views.DESK
        ):
            buttons.append(
                HeaderButton(
                    _("Cancel and refund"),
                    url=reverse("tourism_desk:cancel_booking", args=[self.object.pk]),
                    icon_name="rotate",
                )
            )
        return buttons


class BookingViewSet(SnippetViewSet):
    model = Booking
    icon = "tick-inverse"
    menu_label = _("Bookings")
    permission_policy = MadeByServicesPolicy(Booking)
    inspect_view_class = BookingInspectView
    inspect_view_fields = [
        "reference",
        "slot",
        "status",
        "source",
        "name",
        "email",
        "phone",
        "language",
        "adults",
        "children",
        "pupils",
        "infants",
        "places",
        "amount_minor",
        "refunded_minor",
        "payment",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
        "staff_notes",
    ]
    list_display = ["reference", "name", "slot", "places", "status", "source", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["reference", "name", "email", "phone"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("staff_notes")]


class WaitingListViewSet(SnippetViewSet):
    model = WaitingListEntry
    icon = "list-ul"
    menu_label = _("Waiting list")
    permission_policy = MadeByServicesPolicy(WaitingListEntry)
    list_display = ["slot", "name", "email", "places", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("status", read_only=True)]


class GroupRequestViewSet(SnippetViewSet):
    model = GroupRequest
    icon = "group"
    menu_label = _("Group requests")
    permission_policy = MadeByServicesPolicy(GroupRequest)
    list_display = ["reference", "organisation", "group_size", "visit_language", "status"]
    list_filter = ["status", "visit_language"]
    search_fields = ["reference", "organisation", "contact_name", "email"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("notes"), FieldPanel("tour")]


class ToursViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Tours")
    menu_icon = "date"
    menu_order = 240
    items = (SlotViewSet, BookingViewSet, WaitingListViewSet, GroupRequestViewSet)


register_snippet(ToursViewSetGroup)


desk_urls = [
    path("", admin_views.DayView.as_view(), name="day"),
    path("day.csv", admin_views.day_csv, name="day_csv"),
    path("dates/<int:slot_id>/manifest/", admin_views.manifest, name="manifest"),
    path("dates/<int:slot_id>/manifest.csv", admin_views.manifest_csv, name="manifest_csv"),
    path("dates/<int:slot_id>/close/", admin_views.close_slot, name="close_slot"),
    path("dates/<int:slot_id>/cancel/", admin_views.CancelSlotView.as_view(), name="cancel_slot"),
    path("dates/<int:slot_id>/scan/", admin_views.scan, name="scan"),
    path("bookings/<int:booking_id>/check-in/", admin_views.check_in, name="check_in"),
    path(
        "bookings/<int:booking_id>/cancel/",
        admin_views.CancelBookingView.as_view(),
        name="cancel_booking",
    ),
    path("schedule/", admin_views.ScheduleView.as_view(), name="schedule"),
    path("groups/", admin_views.GroupRequestsView.as_view(), name="groups"),
    path("groups/<int:group_id>/decide/", admin_views.decide_group, name="decide_group"),
]


@hooks.register("register_admin_urls")
def register_tourism_desk_urls():
    return [path("tourism/desk/", include((desk_urls, "tourism_desk"), namespace="tourism_desk"))]


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.DESK)


@hooks.register("register_admin_menu_item")
def register_tourism_desk_menu_item():
    return DeskMenuItem(
        _("Tourism desk"), reverse("tourism_desk:day"), icon_name="clipboard-list", order=239
    )


class _DeskLogFormatter(LogFormatter):
    """The reason staff gave shows as the history entry's comment; amounts as money."""

    def format_comment(self, log_entry):
        data = log_entry.data or {}
        parts = []
        if "refunded" in data:
            parts.append(
                _("refunded %(amount)s") % {"amount": format_amount(data["refunded"], "RUB")}
            )
        if data.get("from") and data.get("to"):
            parts.append(
                _("from %(from)s to %(to)s")
                % {
                    "from": formats.localize(
                        timezone.localtime(datetime.datetime.fromisoformat(data["from"]))
                    ),
                    "to": formats.localize(
                        timezone.localtime(datetime.datetime.fromisoformat(data["to"]))
                    ),
                }
            )
        if data.get("reason"):
            parts.append(data["reason"])
        return " · ".join(str(part) for part in parts)


LOG_ACTIONS = [
    ("tourism.check_in", _("Check in"), _("Checked in")),
    ("tourism.undo_check_in", _("Undo check-in"), _("Check-in undone")),
    ("tourism.cancel_booking", _("Cancel and refund"), _("Cancelled by the desk")),
    (
        "tourism.refund_cancelled",
        _("Refunded in full"),
        _("Payment refunded in full: booking cancelled, places released"),
    ),
    ("tourism.partial_refund", _("Partial refund"), _("Part of the payment refunded")),
    ("tourism.move_slot", _("Move date"), _("Start time moved; bookers told")),
    ("tourism.cancel_slot", _("Cancel date"), _("Date cancelled; bookings refunded and told")),
]


@hooks.register("register_log_actions")
def register_tourism_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        formatter = type(
            "DeskLogFormatter", (_DeskLogFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


from tourism import panels as dashboard_panels  # noqa: E402, F401  (registers itself)
