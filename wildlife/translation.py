"""Fields translated into ru / en / zh-hans by django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from wildlife.models import (
    Highlight,
    LeopardIndexPage,
    LeopardPage,
    PopulationFigure,
    PopulationPage,
    Provider,
    PublishedSighting,
    Sector,
    Species,
)

LISTING_FIELDS = ("listing_title", "listing_summary")


@register(LeopardIndexPage)
class LeopardIndexPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro")


@register(LeopardPage)
class LeopardPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "name", "portrait_alt", "intro", "body")


@register(PopulationPage)
class PopulationPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro", "body")


@register(Provider)
class ProviderTR(TranslationOptions):
    fields = ("name",)


@register(Sector)
class SectorTR(TranslationOptions):
    fields = ("name",)


@register(Species)
class SpeciesTR(TranslationOptions):
    fields = ("name",)


@register(Highlight)
class HighlightTR(TranslationOptions):
    fields = ("story_title", "story", "image_alt")


@register(PublishedSighting)
class PublishedSightingTR(TranslationOptions):
    fields = ("title", "story", "image_alt")


@register(PopulationFigure)
class PopulationFigureTR(TranslationOptions):
    fields = ("source",)
