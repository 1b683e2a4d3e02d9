"""Fields translated into ru / en / zh-hans by django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from cms.translation import LISTING_FIELDS
from education.models import (
    AgeBand,
    EducationIndexPage,
    EventIndexPage,
    EventPage,
    ResourcePage,
    Subject,
)


@register(AgeBand)
class AgeBandTR(TranslationOptions):
    fields = ("name",)


@register(Subject)
class SubjectTR(TranslationOptions):
    fields = ("name",)


@register(EducationIndexPage)
class EducationIndexPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro")


@register(ResourcePage)
class ResourcePageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "summary", "learning_goals", "body")


@register(EventIndexPage)
class EventIndexPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro")


@register(EventPage)
class EventPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "place", "audience", "intro", "how_to_take_part", "body")
