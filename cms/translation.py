"""Fields translated into ru / en / zh-hans by django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from cms.models import (
    FooterSettings,
    HomePage,
    NavigationLink,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    StoryTopic,
)

LISTING_FIELDS = ("listing_title", "listing_summary")


@register(HomePage)
class HomePageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro", "body")


@register(StandardPage)
class StandardPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro", "body")


@register(StoryIndexPage)
class StoryIndexPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro")


@register(StoryPage)
class StoryPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro", "body", "lead_image_credit", "lead_image_alt")


@register(NavigationLink)
class NavigationLinkTR(TranslationOptions):
    fields = ("label",)


@register(FooterSettings)
class FooterSettingsTR(TranslationOptions):
    fields = ("about", "address")


@register(StoryTopic)
class StoryTopicTR(TranslationOptions):
    fields = ("name",)
    # Every tag is named in every language: the story field looks names up in the editor's
    # language, so a missing name would drop the tag from a story saved in that language.
    required_languages = ("ru", "en", "zh-hans")
