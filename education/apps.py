from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Education")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import demo, home
        from education import sections
        from education.demo import load

        demo.register("education", load, order=40)
        home.register_section(
            "education", "education/includes/home_events.html", sections.home_events, order=40
        )
