"""The class-visit panel on the Tourism desk's dashboard: requests waiting for a decision and
the visits confirmed; one query."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from cms.panels import Figure, FiguresPanel, add_panel
from education.models import ClassVisitRequest

WAITING = (ClassVisitRequest.Status.NEW, ClassVisitRequest.Status.WITH_TOURISM_DESK)


class ClassVisitsPanel(FiguresPanel):
    name = "class_visits"
    heading = gettext_lazy("Class visits")
    order = 115
    permissions = ("education.change_classvisitrequest",)

    def figures(self):
        Status = ClassVisitRequest.Status
        counts = ClassVisitRequest.objects.aggregate(
            waiting=Count("pk", filter=Q(status__in=WAITING)),
            confirmed=Count(
                "pk",
                filter=Q(status=Status.CONFIRMED, preferred_date__gte=timezone.localdate()),
            ),
        )
        listing = reverse("wagtailsnippets_education_classvisitrequest:list")
        return [
            Figure(
                _("class-visit requests waiting"),
                counts["waiting"],
                f"{listing}?status={Status.WITH_TOURISM_DESK}",
                urgent=counts["waiting"] > 0,
            ),
            Figure(
                _("class visits confirmed, still to come"),
                counts["confirmed"],
                f"{listing}?status={Status.CONFIRMED}",
            ),
        ]

    def links(self):
        return [
            (_("Class visit requests"), reverse("wagtailsnippets_education_classvisitrequest:list"))
        ]


hooks.register("construct_homepage_panels", add_panel(ClassVisitsPanel))
