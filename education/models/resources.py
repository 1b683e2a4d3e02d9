"""The materials library: lesson plans, worksheets and the rest, with files per language."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import BasePage
from education.uploads import validate_document


class AgeBand(models.Model):
    """A band of pupils' ages a material is written for (5-7, 7-11, 11-14, 14-18)."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(
        _("slug"), max_length=20, unique=True, help_text=_("Used in addresses, e.g. 7-11.")
    )
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"))

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("min_age"), FieldPanel("max_age")]

    class Meta:
        ordering = ["min_age", "max_age"]
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")

    def __str__(self):
        return self.name


class Subject(models.Model):
    """A school subject a material serves: biology, geography, ecology, art..."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self):
        return self.name


class ResourceFormat(models.TextChoices):
    LESSON_PLAN = "lesson-plan", _("Lesson plan")
    WORKSHEET = "worksheet", _("Worksheet")
    PRESENTATION = "presentation", _("Presentation")
    ACTIVITY = "activity", _("Activity")
    VIDEO = "video", _("Video")


class EducationIndexPage(BasePage):
    """The library for teachers: every material, filtered by age, subject, format, language."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["education.ResourcePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("materials library")

    def get_context(self, request, *args, **kwargs):
        from education import services

        context = super().get_context(request, *args, **kwargs)
        library_filter = services.LibraryFilter.from_query(request.GET)
        context.update(
            library_filter=library_filter,
            resources=services.find_resources(self, library_filter),
            filter_choices=services.filter_choices(library_filter),
        )
        return context


class ResourcePage(BasePage):
    """One teaching material, written in up to three languages, with its files."""

    summary = models.TextField(_("summary"), blank=True)
    resource_format = models.CharField(
        _("format"),
        max_length=20,
        choices=ResourceFormat.choices,
        default=ResourceFormat.LESSON_PLAN,
    )
    age_bands = ParentalManyToManyField(AgeBand, blank=True, verbose_name=_("age bands"))
    subjects = ParentalManyToManyField(Subject, blank=True, verbose_name=_("subjects"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    learning_goals = models.TextField(
        _("learning goals"), blank=True, help_text=_("One goal per line.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("the lesson"))
    # The languages the lesson text is written in, kept on save as " ru en " so that the
    # library's language filter is one indexed LIKE on every database, not a JSON query.
    text_languages = models.CharField(max_length=40, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("resource_format"),
                FieldPanel("age_bands", widget=forms.CheckboxSelectMultiple),
                FieldPanel("subjects", widget=forms.CheckboxSelectMultiple),
                FieldPanel("duration_minutes"),
            ],
            heading=_("For whom and how"),
        ),
        FieldPanel("learning_goals"),
        FieldPanel("body"),
        InlinePanel("files", label=_("Files to download")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_goals"),
        index.SearchField("body"),
        index.FilterField("resource_format"),
    ]

    parent_page_types = ["education.EducationIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("teaching material")
        verbose_name_plural = _("teaching materials")

    def save(self, *args, **kwargs):
        self.text_languages = self.written_languages_marker()
        return super().save(*args, **kwargs)

    def written_languages_marker(self):
        written = [
            code
            for code, _name in settings.LANGUAGES
            if _filled(getattr(self, build_localized_fieldname("body", code), None))
        ]
        return f" {' '.join(written)} " if written else ""

    @property
    def learning_goal_list(self):
        return [line.strip() for line in (self.learning_goals or "").splitlines() if line.strip()]

    def files_in(self, language):
        return [item for item in self.files.all() if item.language == language]


def _filled(value):
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return len(value) > 0


class ResourceFile(Orderable):
    """A file of a material in one language: one language may have several (plan, worksheet)."""

    page = ParentalKey(ResourcePage, related_name="files", on_delete=models.CASCADE)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )
    label = models.CharField(
        _("label"),
        max_length=120,
        blank=True,
        help_text=_("In the file's language, e.g. “Lesson plan”. Defaults to the document title."),
    )

    panels = [FieldPanel("language"), FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("file")
        verbose_name_plural = _("files")
        indexes = [models.Index(fields=["language", "page"])]

    def clean(self):
        super().clean()
        if self.document_id:
            # Refuse, in the editor's form, a document that is not a safe teaching file.
            validate_document(self.document.file, field="document")

    @property
    def display_label(self):
        return self.label or self.document.title
