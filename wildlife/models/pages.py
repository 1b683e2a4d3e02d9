"""Public pages: leopard profiles, their index (with the sightings list) and population figures."""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import params
from cms.blocks import BodyBlock
from cms.models import BasePage


class LeopardIndexPage(RoutablePageMixin, BasePage):
    """All named individuals, and at /sightings/ every published sighting."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["wildlife.LeopardPage", "wildlife.PopulationPage"]
    max_count_per_parent = 1
    per_page = 24
    sitemap_subpages = (("sightings", _("Published sightings")),)

    class Meta:
        verbose_name = _("leopard index")

    def leopards(self):
        return (
            LeopardPage.objects.child_of(self)
            .live()
            .public()
            .select_related("species", "portrait")
            .order_by("code")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["leopards"] = self.leopards()
        context["population_page"] = PopulationPage.objects.child_of(self).live().first()
        return context

    @path("sightings/", name="sightings")
    def sightings(self, request):
        from wildlife.models import PublishedSighting, Sector

        sightings = PublishedSighting.objects.for_listing().filter(
            leopard__path__startswith=self.path
        )
        filters = {
            "leopard": request.GET.get("leopard", "").strip(),
            "sector": request.GET.get("sector", "").strip(),
            "year": request.GET.get("year", "").strip(),
        }
        leopard_id = params.parse_id(filters["leopard"])
        if leopard_id is not None:
            sightings = sightings.filter(leopard_id=leopard_id)
        if filters["sector"]:
            sightings = sightings.filter(place_code=filters["sector"])
        year = params.parse_year(filters["year"])
        if year is not None:
            sightings = sightings.filter(month__year=year)
        paginator = Paginator(sightings, self.per_page)
        try:
            page_obj = paginator.page(params.parse_page(request.GET.get("page")))
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        years = PublishedSighting.objects.public().dates("month", "year", order="DESC")
        return self.render(
            request,
            template="wildlife/sightings_list.html",
            context_overrides={
                "sightings": page_obj,
                "paginator": paginator,
                "filters": filters,
                "leopards": self.leopards(),
                "sectors": Sector.objects.filter(
                    slug__in=PublishedSighting.objects.public().values("place_code")
                ),
                "years": [d.year for d in years],
            },
        )


class LeopardPage(BasePage):
    """One individual: who it is, its family and what the cameras have shown of it."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        UNKNOWN = "unknown", _("unknown")

    class Status(models.TextChoices):
        LIVING = "living", _("living")
        NOT_SEEN = "not_seen", _("not seen since")
        DEAD = "dead", _("dead")
        RESCUED = "rescued", _("rescued")

    code = models.CharField(
        _("code"), max_length=30, unique=True, help_text=_('The park\'s code, e.g. "Leo 45F".')
    )
    individual_id = models.CharField(
        _("individual ID in camera-trap data"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The individualID that camera-trap packages use for this animal."),
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    species = models.ForeignKey(
        "wildlife.Species",
        verbose_name=_("species"),
        on_delete=models.PROTECT,
        related_name="individuals",
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    first_record_year = models.PositiveSmallIntegerField(
        _("year of first record"), null=True, blank=True
    )
    mother = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cubs",
        verbose_name=_("mother"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.LIVING)
    status_since = models.PositiveSmallIntegerField(_("status since (year)"), null=True, blank=True)
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("portrait"),
    )
    portrait_alt = models.CharField(_("portrait description"), max_length=250, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("story"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("name"),
                FieldPanel("species"),
                FieldPanel("sex"),
                FieldPanel("birth_year"),
                FieldPanel("first_record_year"),
                FieldPanel("mother"),
                FieldPanel("status"),
                FieldPanel("status_since"),
                FieldPanel("individual_id"),
            ],
            heading=_("The individual"),
        ),
        FieldPanel("portrait"),
        FieldPanel("portrait_alt"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("code"),
        index.SearchField("name"),
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wildlife.LeopardIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("leopard profile")
        verbose_name_plural = _("leopard profiles")

    def clean(self):
        super().clean()
        ancestor, seen = self.mother, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk:
                raise ValidationError({"mother": _("A leopard cannot be its own ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.mother
        if self.mother_id and self.mother.sex == self.Sex.MALE:
            raise ValidationError({"mother": _("The mother must be a female.")})

    @property
    def display_name(self):
        return self.name or self.code

    @property
    def live_topic(self):
        return f"leopard:{self.pk}"

    def published_sightings(self):
        return self.sightings.for_listing()

    def live_cubs(self):
        return self.cubs.live().public().order_by("birth_year", "code")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sightings = list(self.published_sightings())
        context.update(
            sightings=sightings,
            first_sighting=sightings[-1] if sightings else None,
            latest_sighting=sightings[0] if sightings else None,
            places=sorted({s.place_label: s.place_code for s in sightings}.items()),
            cubs=list(self.live_cubs().select_related("portrait")),
            mother_page=self.mother if self.mother_id and self.mother.live else None,
        )
        return context


class PopulationPage(BasePage):
    """Yearly monitoring figures (PopulationFigure snippets), drawn as charts with a table."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wildlife.LeopardIndexPage", "cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("population and monitoring page")

    def get_context(self, request, *args, **kwargs):
        from wildlife.charts import population_charts
        from wildlife.models import PopulationFigure

        context = super().get_context(request, *args, **kwargs)
        figures = list(PopulationFigure.objects.order_by("year"))
        context["figures"] = figures
        context["charts"] = population_charts(figures)
        return context
