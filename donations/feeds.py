"""A campaign's progress reports as an RSS feed, in the language of the URL."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.translation import gettext as _

from donations.models import CampaignPage


class CampaignReportsFeed(Feed):
    def get_object(self, request, campaign_id):
        campaign = CampaignPage.objects.live().public().filter(pk=campaign_id).first()
        if campaign is None:
            raise Http404("no such campaign")
        self.request = request
        return campaign

    def title(self, campaign):
        return _("Reports: %(campaign)s") % {"campaign": campaign.title}

    def link(self, campaign):
        return campaign.get_url(self.request)

    def description(self, campaign):
        return campaign.intro

    def items(self, campaign):
        return campaign.reports()[:20]

    def item_title(self, report):
        return report.title

    def item_description(self, report):
        return report.intro

    def item_link(self, report):
        return report.get_url(self.request)

    def item_pubdate(self, report):
        return report.first_published_at
