"""The Wildlife menu of the Wagtail admin: vetting queue, imports and the reference data."""

from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy

from wildlife import admin_views
from wildlife.models import (
    Highlight,
    ImportRun,
    PopulationFigure,
    Provider,
    PublishedSighting,
    Sector,
    Species,
)


class NoAddNoDeletePolicy(ModelPermissionPolicy):
    """Rows made by a service (imports, vetting, publishing), never from a blank form."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class HighlightPolicy(NoAddNoDeletePolicy):
    """The queue shows raw images: only for users who may see them (Wildlife vetters)."""

    def user_has_permission(self, user, action):
        if not user.has_perm(admin_views.PRIVATE):
            return False
        return super().user_has_permission(user, action)


class ThumbnailColumn(Column):
    """A small private thumbnail, served by the permission-checked thumbnail view."""

    def get_value(self, instance):
        if not instance.media.stored_file:
            return _("(image not fetched)")
        url = reverse("wildlife_highlight_thumbnail", args=[instance.pk])
        return format_html('<img src="{}" alt="" width="120" loading="lazy">', url)


# "provider" alone is the payment system in the payments catalogue: say whose data it is.
PROVIDER_LABEL = _("data provider")


def history_for(*actions):
    """The admin History of rows a role acts on without editing them: Wagtail opens it only to
    those who may add, change or delete, which would shut out a moderator who withdraws a
    sighting, or a vetter looking up who ran an import."""
    return type(
        "DecisionHistoryView",
        (HistoryView,),
        {"any_permission_required": ["add", "change", "delete", *actions]},
    )


class WithdrawColumn(Column):
    """A link to withdraw a published sighting, for those who may."""

    def get_value(self, instance):
        if instance.withdrawn_at:
            return _("withdrawn")
        url = reverse("wildlife_withdraw_sighting", args=[instance.pk])
        return format_html('<a href="{}">{}</a>', url, _("Withdraw"))


class HistoryColumn(Column):
    """A link to the row's History, for roles that have no edit screen to reach it from."""

    def __init__(self, name, *, url_name, **kwargs):
        super().__init__(name, label=_("History"), **kwargs)
        self.url_name = url_name

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a>', reverse(self.url_name, args=[instance.pk]), _("History")
        )


class HighlightViewSet(ModelViewSet):
    model = Highlight
    name = "wildlife_highlight"
    url_prefix = "wildlife/highlights"
    icon = "view"
    menu_label = _("All highlights")
    menu_order = 100
    permission_policy = HighlightPolicy(Highlight)
    # The edit view is the vetting screen (admin_views.VetHighlightView).
    form_fields = ["leopard"]
    list_display = [
        TitleColumn("__str__", label=_("highlight"), url_name="wildlife_highlight:edit"),
        ThumbnailColumn("thumbnail", label=_("Image")),
        Column("species", label=_("species")),
        Column("individual_id", label=_("individual ID")),
        Column("provider", label=PROVIDER_LABEL),
        DateColumn("captured_at", label=_("captured")),
        Column("get_status_display", label=_("status")),
        Column("leopard", label=_("individual")),
    ]
    list_filter = {
        "status": ["exact"],
        "provider": ["exact"],
        "species": ["exact"],
        "individual_id": ["icontains"],
        "captured_at": ["gte", "lte"],
    }
    list_per_page = 30

    def get_queryset(self, request):
        return Highlight.objects.select_related("media", "species", "provider", "leopard").order_by(
            "status", "-captured_at"
        )

    @property
    def edit_view(self):
        return admin_views.VetHighlightView.as_view()


class PublishedSightingViewSet(ModelViewSet):
    model = PublishedSighting
    url_prefix = "wildlife/sightings"
    icon = "image"
    menu_order = 110
    permission_policy = NoAddNoDeletePolicy(PublishedSighting)
    history_view_class = history_for("withdraw")
    form_fields = [
        f"{name}_{suffix}"
        for suffix in ("ru", "en", "zh_hans")
        for name in ("title", "story", "image_alt")
    ]
    list_display = [
        "title",
        "leopard",
        "month",
        "place_code",
        DateColumn("published_at", label=_("published at")),
        WithdrawColumn("withdraw", label=_("Withdrawal")),
        HistoryColumn("history", url_name="publishedsighting:history"),
    ]
    list_filter = ["species", "leopard"]


class ImportRunViewSet(ModelViewSet):
    model = ImportRun
    url_prefix = "wildlife/imports"
    icon = "list-ul"
    menu_order = 120
    permission_policy = NoAddNoDeletePolicy(ImportRun)
    history_view_class = history_for("view")
    form_fields = []
    inspect_view_enabled = True
    list_display = [
        "package_name",
        Column("provider", label=PROVIDER_LABEL),
        Column("get_status_display", label=_("status")),
        "deployments",
        "media",
        "observations",
        "highlights",
        DateColumn("started_at", label=_("started at")),
        HistoryColumn("history", url_name="importrun:history"),
    ]
    list_filter = ["provider", "status"]


class ProviderViewSet(ModelViewSet):
    model = Provider
    icon = "group"
    menu_order = 200
    form_fields = [
        "code",
        "name_ru",
        "name_en",
        "name_zh_hans",
        "requires_consent",
        "consent_terms",
    ]
    list_display = ["name", "code", "requires_consent"]


class SectorViewSet(ModelViewSet):
    model = Sector
    icon = "site"
    menu_order = 210
    form_fields = ["slug", "name_ru", "name_en", "name_zh_hans", "south", "north", "west", "east"]
    list_display = ["name", "slug"]


class SpeciesViewSet(ModelViewSet):
    model = Species
    icon = "pick"
    menu_order = 220
    # The embargo is changed on its own screen, by a superuser, with a reason.
    form_fields = [
        "slug",
        "scientific_name",
        "name_ru",
        "name_en",
        "name_zh_hans",
        "grid_cell_degrees",
    ]
    list_display = ["name", "scientific_name", "embargo_days", "grid_cell_degrees"]


class PopulationFigureViewSet(ModelViewSet):
    model = PopulationFigure
    icon = "table"
    menu_order = 230
    form_fields = [
        "year",
        "leopards",
        "leopard_cubs",
        "tigers",
        "tiger_cubs",
        "camera_stations",
        "source_ru",
        "source_en",
        "source_zh_hans",
    ]
    list_display = ["year", "leopards", "leopard_cubs", "tigers", "tiger_cubs", "camera_stations"]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        if self.permission == "superuser":
            return request.user.is_superuser
        return request.user.has_perm(self.permission)


class WildlifeGroup(ViewSetGroup):
    menu_label = _("Wildlife")
    menu_icon = "view"
    menu_order = 250
    items = [
        HighlightViewSet,
        PublishedSightingViewSet,
        ImportRunViewSet,
        ProviderViewSet,
        SectorViewSet,
        SpeciesViewSet,
        PopulationFigureViewSet,
    ]

    def get_submenu_items(self):
        return [
            *super().get_submenu_items(),
            PermissionMenuItem(
                _("Import a package"),
                reverse_lazy("wildlife_import"),
                icon_name="upload",
                order=4,
                permission="wildlife.add_importrun",
            ),
            PermissionMenuItem(
                _("Vetting queue"),
                reverse_lazy("wildlife_vetting_queue"),
                icon_name="view",
                order=1,
                permission=admin_views.PRIVATE,
            ),
            PermissionMenuItem(
                _("Pick a highlight"),
                reverse_lazy("wildlife_pick_highlight"),
                icon_name="plus",
                order=2,
                permission=admin_views.PRIVATE,
            ),
            PermissionMenuItem(
                _("Embargoes"),
                reverse_lazy("wildlife_embargo"),
                icon_name="time",
                order=20,
                permission="superuser",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_wildlife_viewsets():
    return WildlifeGroup()


class ReasonFormatter(LogFormatter):
    """A log message with the reason given, as the admin's history shows it."""

    def format_message(self, log_entry):
        reason = (log_entry.data or {}).get("reason")
        return f"{self.message}: {reason}" if reason else self.message


@hooks.register("register_log_actions")
def register_wildlife_log_actions(actions):
    for action, label, message in (
        ("wildlife.highlight.approve", _("Approve highlight"), _("Highlight approved")),
        ("wildlife.highlight.reject", _("Reject highlight"), _("Highlight rejected")),
        (
            "wildlife.highlight.unidentifiable",
            _("Mark highlight unidentifiable"),
            _("Highlight marked unidentifiable"),
        ),
        ("wildlife.sighting.withdraw", _("Withdraw sighting"), _("Sighting withdrawn")),
        ("wildlife.import", _("Import camera-trap data"), _("Camera-trap package imported")),
        ("wildlife.import.failed", _("Import camera-trap data"), _("Camera-trap import failed")),
    ):
        formatter = type(
            "WildlifeLogFormatter", (ReasonFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


@hooks.register("register_admin_urls")
def register_wildlife_admin_urls():
    return [
        path(
            "wildlife/vetting/",
            admin_views.VettingQueueView.as_view(),
            name="wildlife_vetting_queue",
        ),
        path("wildlife/vetting/bulk/", admin_views.bulk_decide, name="wildlife_vetting_bulk"),
        path(
            "wildlife/vetting/<int:pk>/decide/",
            admin_views.decide_highlight,
            name="wildlife_vetting_decide",
        ),
        path(
            "wildlife/highlights/<int:pk>/thumbnail/",
            admin_views.highlight_thumbnail,
            name="wildlife_highlight_thumbnail",
        ),
        path(
            "wildlife/sightings/<int:pk>/withdraw/",
            admin_views.WithdrawSightingView.as_view(),
            name="wildlife_withdraw_sighting",
        ),
        path("wildlife/media/<int:pk>/file/", admin_views.media_file, name="wildlife_media_file"),
        path(
            "wildlife/highlights/<int:pk>/preview/",
            admin_views.highlight_preview,
            name="wildlife_highlight_preview",
        ),
        path("wildlife/import/", admin_views.ImportPackageView.as_view(), name="wildlife_import"),
        path(
            "wildlife/highlights/pick/",
            admin_views.PickHighlightView.as_view(),
            name="wildlife_pick_highlight",
        ),
        path("wildlife/embargo/", admin_views.ChangeEmbargoView.as_view(), name="wildlife_embargo"),
    ]


from wildlife import panels as dashboard_panels  # noqa: E402, F401  (registers itself)
