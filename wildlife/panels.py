"""The Wildlife vetters' dashboard panel: what waits to be vetted, and for its embargo; one
query. The figures are counts only: no image, place or camera reaches the dashboard."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from cms.formats import local_date
from cms.panels import Figure, FiguresPanel, add_panel
from wildlife.models import Highlight


class VettingPanel(FiguresPanel):
    name = "wildlife_vetting"
    heading = gettext_lazy("Camera-trap highlights")
    order = 100
    permissions = ("wildlife.change_highlight",)

    @classmethod
    def shown_to(cls, user):
        # The queue shows raw images: only for those who may see them.
        return user.has_perm("wildlife.change_highlight") and user.has_perm(
            "wildlife.view_private_media"
        )

    def figures(self):
        Status = Highlight.Status
        counts = Highlight.objects.aggregate(
            candidates=Count("pk", filter=Q(status=Status.CANDIDATE)),
            scheduled=Count("pk", filter=Q(status=Status.SCHEDULED)),
            newest=Max("captured_at", filter=Q(status=Status.CANDIDATE)),
        )
        queue = reverse("wildlife_highlight:index")
        figures = [
            Figure(
                _("highlights to vet"),
                counts["candidates"],
                f"{queue}?status={Status.CANDIDATE}",
                urgent=counts["candidates"] > 0,
            ),
            Figure(
                _("approved, waiting for the embargo"),
                counts["scheduled"],
                f"{queue}?status={Status.SCHEDULED}",
            ),
        ]
        if counts["newest"]:
            figures.append(
                Figure(
                    _("newest capture waiting"),
                    local_date(counts["newest"]),
                )
            )
        return figures

    def links(self):
        return [(_("Vetting queue"), reverse("wildlife_highlight:index"))]


hooks.register("construct_homepage_panels", add_panel(VettingPanel))
