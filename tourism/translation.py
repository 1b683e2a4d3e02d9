"""Fields translated into ru / en / zh-hans by django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from cms.translation import LISTING_FIELDS
from tourism.models import TourIndexPage, TourPage


@register(TourIndexPage)
class TourIndexPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro")


@register(TourPage)
class TourPageTR(TranslationOptions):
    fields = (
        *LISTING_FIELDS,
        "intro",
        "image_alt",
        "itinerary",
        "meeting_point",
        "season",
        "what_to_bring",
        "accessibility",
        "body",
    )
