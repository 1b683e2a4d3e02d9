from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live updates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.text import format_lazy

        from cms import scheduler
        from cms.home import register_cache_version, register_section
        from cms.sharing import register_feed
        from live import retention
        from live.services import home_feed_context, latest_id

        register_section("live_feed", "live/includes/home_feed.html", home_feed_context, order=10)
        # Every event (a sighting, a booking, a gift) may change the home page: a new one
        # replaces its cached copy.
        register_cache_version(latest_id)
        sightings = _("Leopard sightings · Land of the Leopard")
        register_feed("live:sightings_rss", sightings)
        register_feed(
            "live:sightings_atom", format_lazy("{} (Atom)", sightings), "application/atom+xml"
        )
        scheduler.register("retention.live_events", retention.prune_event_log, daily=True)
        scheduler.register(
            "retention.live_followers", retention.forget_unconfirmed_followers, daily=True
        )
