"""Site-wide pages and settings. Domains add their own page types in their apps."""

from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms import params, sharing
from cms.blocks import BodyBlock


class BasePage(Page):
    """What every public page has: SEO, a social image and how it looks in listings."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("social image"),
        help_text=_("Shown when the page is shared. 1200×630 works best."),
    )
    listing_title = models.CharField(
        _("listing title"),
        max_length=120,
        blank=True,
        help_text=_("Shorter title for lists of pages. Defaults to the title."),
    )
    listing_summary = models.CharField(
        _("listing summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for lists of pages."),
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("listing image"),
    )

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [
                FieldPanel("listing_title"),
                FieldPanel("listing_summary"),
                FieldPanel("listing_image"),
            ],
            heading=_("Listings"),
        ),
        FieldPanel("social_image"),
    ]

    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]

    class Meta:
        abstract = True

    @property
    def display_listing_title(self):
        return self.listing_title or self.title

    # Shared on social sites as an article (a story) or as a website (everything else).
    share_type = "website"
    # Routable sub-pages (route name, title) listed in the sitemaps beside the page itself.
    sitemap_subpages = ()

    def share_image(self):
        """(image, description) shown when the page is shared, or None for the site's default.

        The editor's social image, else the page's own picture (the first image field its type
        declares: a story's lead image, a leopard's portrait), else its listing image: each one
        the page already shows in public."""
        if self.social_image_id:
            return self.social_image, self.title
        for field in self._meta.concrete_fields:
            if field.name in ("social_image", "listing_image"):
                continue
            if field.is_relation and field.related_model is get_image_model():
                image = getattr(self, field.name)
                if image is not None:
                    return image, getattr(self, f"{field.name}_alt", "")
        if self.listing_image_id:
            return self.listing_image, ""
        return None

    def sitemap_subpage_urls(self):
        """[(title, path after the page's URL)] of the routable sub-pages in the sitemaps."""
        return [(title, self.reverse_subpage(name)) for name, title in self.sitemap_subpages]

    def get_sitemap_urls(self, request=None):
        """This page and its routable sub-pages, on the request's host, with their alternates."""
        lastmod = self.last_published_at or self.latest_revision_created_at

        def url_in(suffix):
            def url():
                page_url = self.get_url(request) if request is not None else self.get_full_url()
                return page_url + suffix if page_url else None

            return url

        suffixes = ["", *(suffix for _title, suffix in self.sitemap_subpage_urls())]
        return [sharing.sitemap_entry(request, url_in(suffix), lastmod) for suffix in suffixes]


class HomePage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def serve(self, request, *args, **kwargs):
        from cms.home import serve_cached

        return serve_cached(
            request, self, lambda: super(HomePage, self).serve(request, *args, **kwargs)
        )

    def get_context(self, request, *args, **kwargs):
        from cms.home import sections_for

        context = super().get_context(request, *args, **kwargs)
        context["latest_stories"] = StoryPage.objects.for_listing().descendant_of(self)[:3]
        context["home_sections"] = sections_for(request, self)
        return context


class StandardPage(BasePage):
    """About the park, the transboundary reserve, protection: text with blocks."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class StoryIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StoryPage"]
    max_count_per_parent = 1
    per_page = 12

    class Meta:
        verbose_name = _("story index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = StoryPage.objects.for_listing().child_of(self)
        tag = request.GET.get("tag", "").strip()
        topic = None
        if tag:
            stories = stories.filter(tags__slug=tag)
            topic = StoryTopic.objects.filter(slug=tag).first()
        paginator = Paginator(stories, self.per_page)
        try:
            page_obj = paginator.page(params.parse_page(request.GET.get("page")))
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        context.update(stories=page_obj, paginator=paginator, tag=tag, topic=topic)
        return context


class StoryTopic(TagBase):
    """A story's tag, named in ru, en and zh-hans (cms.translation), shown in the visitor's
    language. Editors keep the list under Snippets › Story tags and pick from it on a story:
    a tag typed on a story would exist in one language only."""

    free_tagging = False

    class Meta:
        verbose_name = _("story tag")
        verbose_name_plural = _("story tags")
        ordering = ["slug"]


class StoryTag(ItemBase):
    tag = models.ForeignKey(StoryTopic, related_name="tagged_stories", on_delete=models.CASCADE)
    content_object = ParentalKey(
        "cms.StoryPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class StoryPageQuerySet(PageQuerySet):
    def for_listing(self):
        """Live public stories, newest first, with what a listing card shows fetched up front."""
        return (
            self.live()
            .public()
            .order_by("-date", "-first_published_at")
            .select_related("lead_image")
            .prefetch_related("lead_image__renditions", "tagged_items__tag")
        )


class StoryPage(BasePage):
    """News and stories from the park."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lead image"),
    )
    lead_image_credit = models.CharField(_("image credit"), max_length=160, blank=True)
    lead_image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    objects = PageManager.from_queryset(StoryPageQuerySet)()

    tags = ClusterTaggableManager(through=StoryTag, blank=True, verbose_name=_("tags"))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_credit"),
            ],
            heading=_("Lead image"),
        ),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types = []
    share_type = "article"

    class Meta:
        verbose_name = _("story")
        ordering = ["-date"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["more_stories"] = StoryPage.objects.for_listing().sibling_of(self, inclusive=False)[
            :3
        ]
        return context


@register_setting(icon="list-ul")
class NavigationSettings(ClusterableModel, BaseSiteSetting):
    """The main menu, edited per language through the link labels."""

    panels = [InlinePanel("links", label=_("Menu links"))]

    class Meta:
        verbose_name = _("navigation")


class NavigationLink(Orderable):
    settings = ParentalKey(NavigationSettings, related_name="links", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Defaults to the page's title.")
    )

    panels = [FieldPanel("page"), FieldPanel("label")]


@register_setting(icon="doc-full")
class FooterSettings(BaseSiteSetting):
    about = RichTextField(_("about the park"), blank=True, features=["bold", "italic", "link"])
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    demo_content = models.BooleanField(
        _("demonstration content"),
        default=False,
        help_text=_("Shows a notice on every page that the content is for demonstration."),
    )

    panels = [
        FieldPanel("about"),
        FieldPanel("address"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("demo_content"),
    ]

    class Meta:
        verbose_name = _("footer and site notice")


class ScheduledJob(models.Model):
    """The last run of one job of `manage.py run_scheduler` (cms.scheduler): when, by which
    process, and how it ended. A daily job's run is claimed here, so it runs once a day
    whichever machine leads."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    # The exception's class and message; the traceback is in the scheduler's log.
    last_error = models.TextField(_("last error"), blank=True)
    run_by = models.CharField(_("run by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FailedTaskManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=TaskResultStatus.FAILED)


class FailedTask(DBTaskResult):
    """A background task (an e-mail, an index update) that failed for good: what staff see of
    django-tasks' results (cms.task_admin), without its arguments, which may name visitors."""

    objects = FailedTaskManager()

    class Meta:
        proxy = True
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        default_permissions = ("view",)
