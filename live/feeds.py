"""RSS and Atom of published sightings, in the language of the URL, from the event log."""

from django.contrib.syndication.views import Feed
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from live import services

FEED_LENGTH = 30


class SightingsFeed(Feed):
    """All published sightings (topic "feed")."""

    def get_object(self, request, *args, **kwargs):
        self.language = translation.get_language()
        return "feed"

    def title(self, topic):
        return _("Leopard sightings · Land of the Leopard")

    def description(self, topic):
        return _("Leopards seen by the park's camera traps, after vetting, by month and sector.")

    def link(self, topic):
        return f"/{self.language}/"

    def items(self, topic):
        events = services.latest_sightings(topic, limit=FEED_LENGTH)
        return [services.sighting_item(event, self.language) for event in events]

    def item_title(self, item):
        return item["title"]

    def item_description(self, item):
        return " · ".join(part for part in (item["month_label"], item["sector_label"]) if part)

    def item_link(self, item):
        return item["url"] or self.link(None)

    def item_guid(self, item):
        # Stable per sighting and language, whichever topic or republication it came from.
        return f"urn:leopard-portal:{item['key']}:{self.language}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["created_at"]


class SightingsAtomFeed(SightingsFeed):
    feed_type = Atom1Feed
    subtitle = SightingsFeed.description


class LeopardSightingsFeed(SightingsFeed):
    """The sightings of one leopard (topic "leopard:<id>")."""

    def get_object(self, request, leopard_id):
        self.language = translation.get_language()
        self.latest = services.latest_sightings(f"leopard:{leopard_id}", limit=1)
        return f"leopard:{leopard_id}"

    def title(self, topic):
        if self.latest:
            name = services.sighting_item(self.latest[0], self.language)["leopard_name"]
            if name:
                return _("Sightings of %(name)s · Land of the Leopard") % {"name": name}
        return _("Leopard sightings · Land of the Leopard")


class LeopardSightingsAtomFeed(LeopardSightingsFeed):
    feed_type = Atom1Feed
    subtitle = SightingsFeed.description
