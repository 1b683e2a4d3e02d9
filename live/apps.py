from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live updates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.home import register_section
        from live.services import home_feed_context

        register_section("live_feed", "live/includes/home_feed.html", home_feed_context, order=10)
