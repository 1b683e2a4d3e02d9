"""The Tourism desk's dashboard panel: today's dates and visitors, who has checked in, and the
group requests waiting; three queries whatever the day holds."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from cms.panels import Figure, FiguresPanel, add_panel
from tourism import services
from tourism.models import Booking, GroupRequest


class TourismDeskPanel(FiguresPanel):
    name = "tourism_desk_today"
    heading = gettext_lazy("Today at the visitor centre")
    order = 110
    permissions = ("tourism.run_tourism_desk",)

    def figures(self):
        today = timezone.localdate()
        slots = services.day_slots(today)
        visitors = sum(slot.taken for slot in slots)
        arrived = Booking.objects.filter(
            slot__in=[slot.pk for slot in slots],
            status=Booking.Status.CONFIRMED,
            checked_in_at__isnull=False,
        ).aggregate(places=Sum("places"))
        pending = GroupRequest.objects.aggregate(
            waiting=Count("pk", filter=Q(status=GroupRequest.Status.PENDING))
        )["waiting"]
        day = reverse("tourism_desk:day")
        return [
            Figure(_("tour dates today"), len(slots), day),
            Figure(_("visitors booked today"), visitors, day),
            Figure(_("visitors checked in"), arrived["places"] or 0, day),
            Figure(
                _("group requests waiting"),
                pending,
                reverse("tourism_desk:groups"),
                urgent=pending > 0,
            ),
        ]

    def links(self):
        return [
            (_("Tourism desk"), reverse("tourism_desk:day")),
            (_("Group requests"), reverse("tourism_desk:groups")),
        ]


hooks.register("construct_homepage_panels", add_panel(TourismDeskPanel))
