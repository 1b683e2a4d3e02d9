"""Tours as translated pages: what a visitor reads before choosing a date."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import BasePage
from tourism import conf

# How far ahead the tour page lists dates; later ones open for booking as the days pass.
LISTED_DAYS = 60
LISTED_SLOTS = 24


def tour_topic(tour_id):
    """The live topic of a tour's dates and places: one per tour page, however many dates."""
    return f"tour:{tour_id}"


class TourIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["tourism.TourPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("tour index")

    def get_context(self, request, *args, **kwargs):
        from tourism.services import next_slots_by_tour

        context = super().get_context(request, *args, **kwargs)
        tours = list(
            TourPage.objects.child_of(self).live().public().specific().select_related("image")
        )
        next_slots = next_slots_by_tour(tours)
        context["tours"] = [(tour, next_slots.get(tour.pk)) for tour in tours]
        return context


class TourPage(BasePage):
    """A guided route: the Leopard Trail, the Leopard's Lair ecotrail..."""

    class Difficulty(models.TextChoices):
        EASY = "easy", _("easy")
        MODERATE = "moderate", _("moderate")
        DEMANDING = "demanding", _("demanding")

    intro = models.TextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    itinerary = models.TextField(
        _("route"), blank=True, help_text=_("Where the walk goes, in a few sentences.")
    )
    length_km = models.DecimalField(
        _("length (km)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(10)]
    )
    duration_max_minutes = models.PositiveSmallIntegerField(
        _("longest duration (minutes)"),
        null=True,
        blank=True,
        help_text=_("When the walk takes between two durations, the longer one."),
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=16, choices=Difficulty, default=Difficulty.EASY
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=0, validators=[MaxValueValidator(18)]
    )
    meeting_point = models.CharField(_("meeting point"), max_length=255, blank=True)
    season = models.CharField(_("season"), max_length=255, blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        MultiFieldPanel(
            [
                FieldPanel("itinerary"),
                FieldRowPanel(
                    [
                        FieldPanel("length_km"),
                        FieldPanel("duration_minutes"),
                        FieldPanel("duration_max_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("difficulty"), FieldPanel("minimum_age")]),
                FieldPanel("meeting_point"),
                FieldPanel("season"),
                FieldPanel("what_to_bring"),
                FieldPanel("accessibility"),
            ],
            heading=_("The walk"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("itinerary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "tourism.TourIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("tour")

    def listed_slots(self):
        """The dates the page lists, each with `taken` places; one query, whatever their number."""
        from tourism.models.slots import Slot

        now = timezone.now()
        return list(
            Slot.objects.filter(
                tour=self,
                starts_at__gt=now,
                starts_at__lte=now + timedelta(days=LISTED_DAYS),
            )
            .exclude(status=Slot.Status.CANCELLED)
            .with_taken(now)
            .order_by("starts_at")[:LISTED_SLOTS]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        slots = self.listed_slots()
        context["slots"] = slots
        context["hold_minutes"] = int(conf.hold_duration().total_seconds() // 60)
        context["full_refund_hours"] = next(
            (hours for hours, percent in conf.refund_policy() if percent >= 100), None
        )
        context["live_topics"] = tour_topic(self.pk) if slots else ""
        return context
