"""The Tours menu of the Wagtail admin and the tourism desk's own screens."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from tourism import admin_views
from tourism.models import Booking, GroupRequest, Slot, WaitingListEntry


class MadeByServicesPolicy(ModelPermissionPolicy):
    """Rows that only the booking services make and remove, never a blank admin form."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class SlotViewSet(SnippetViewSet):
    model = Slot
    icon = "date"
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


class BookingViewSet(SnippetViewSet):
    model = Booking
    icon = "tick-inverse"
    menu_label = _("Bookings")
    permission_policy = MadeByServicesPolicy(Booking)
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
    path("bookings/<int:booking_id>/check-in/", admin_views.check_in, name="check_in"),
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


from tourism import panels as dashboard_panels  # noqa: E402, F401  (registers itself)
