"""Fields translated into ru / en / zh-hans by django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from cms.translation import LISTING_FIELDS
from donations.models import CampaignIndexPage, CampaignPage, CampaignReportPage, SuggestedAmount


@register(CampaignIndexPage)
class CampaignIndexPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro")


@register(CampaignPage)
class CampaignPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro", "story")


@register(SuggestedAmount)
class SuggestedAmountTR(TranslationOptions):
    fields = ("buys",)


@register(CampaignReportPage)
class CampaignReportPageTR(TranslationOptions):
    fields = (*LISTING_FIELDS, "intro", "body")
