from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WildlifeConfig(AppConfig):
    name = "wildlife"
    verbose_name = _("Wildlife")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import demo, home, scheduler
        from wildlife import demo as wildlife_demo
        from wildlife.services import home_context, publish_due_sightings

        home.register_section(
            "leopards", "wildlife/includes/home_leopards.html", home_context, order=20
        )
        demo.register("wildlife", wildlife_demo.load, order=20)
        scheduler.register("wildlife.publish_due_sightings", lambda: len(publish_due_sightings()))

        import search
        from wildlife.models import PublishedSighting
        from wildlife.services import sighting_search_documents

        search.register(
            PublishedSighting,
            documents=sighting_search_documents,
            queryset=lambda: PublishedSighting.objects.for_listing(),
            label=_("sighting"),
        )
