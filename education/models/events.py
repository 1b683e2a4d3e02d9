"""Events for schools and families: Tiger Day, PhotoHunt, Flash mob, Face art, trail days, forums."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import BasePage


class EventKind(models.TextChoices):
    TIGER_DAY = "tiger-day", _("Tiger Day")
    PHOTOHUNT = "photohunt", _("PhotoHunt")
    FLASH_MOB = "flash-mob", _("Flash mob")
    FACE_ART = "face-art", _("Face art")
    TRAIL_DAY = "trail-day", _("Trail day")
    FORUM = "forum", _("Forum")
    OTHER = "other", _("Other event")


class EventPageQuerySet(PageQuerySet):
    def upcoming(self, now=None):
        """Live public events that have not ended yet, soonest first."""
        now = now or timezone.now()
        return (
            self.live()
            .public()
            .filter(models.Q(end__gte=now) | models.Q(end__isnull=True, start__gte=now))
            .order_by("start", "pk")
        )


class EventIndexPage(RoutablePageMixin, BasePage):
    """Upcoming events, and the same list as a calendar to subscribe to (calendar.ics)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["education.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("events list")

    @path("")
    def upcoming_events(self, request):
        from education import services

        return self.render(
            request,
            context_overrides={
                "events": services.upcoming_events(self),
                "past_events": services.recent_past_events(self),
            },
        )

    @path("calendar/", name="calendar")
    def calendar(self, request):
        from education import services

        return _calendar_response(
            services.events_calendar(request, services.calendar_events(self)),
            "events.ics",
        )


class EventPage(RoutablePageMixin, BasePage):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(
        _("place"),
        max_length=200,
        help_text=_("A public venue (a school, the visitor centre), never a wildlife site."),
    )
    audience = models.CharField(
        _("for whom"), max_length=200, help_text=_("e.g. Families, pupils aged 7 to 14")
    )
    intro = models.TextField(_("introduction"), blank=True)
    how_to_take_part = models.TextField(_("how to take part"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    objects = PageManager.from_queryset(EventPageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("place")],
            heading=_("When and where"),
        ),
        FieldPanel("audience"),
        FieldPanel("intro"),
        FieldPanel("how_to_take_part"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("how_to_take_part"),
        index.SearchField("body"),
        index.FilterField("start"),
    ]

    parent_page_types = ["education.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start"]

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An event cannot end before it starts.")})

    @path("")
    def event(self, request):
        return self.render(request)

    @path("calendar/", name="calendar")
    def calendar(self, request):
        from education import services

        return _calendar_response(
            services.events_calendar(request, [self], name=self.title), f"event-{self.pk}.ics"
        )


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
