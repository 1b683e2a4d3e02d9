from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Education")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from cms import demo, home, scheduler, sharing
        from education import sections
        from education.demo import load
        from education.services import forget_past_class_visits

        demo.register("education", load, order=40)
        scheduler.register("retention.class_visits", forget_past_class_visits, daily=True)
        home.register_section(
            "education", "education/includes/home_events.html", sections.home_events, order=40
        )
        sharing.register_view(
            "education:class_visit_request",
            _("Bring your class to the park"),
            parent_type="education.educationindexpage",
            order=10,
        )
        sharing.register_view(
            "education:classroom_data",
            _("Classroom data: leopard and tiger sightings by month"),
            parent_type="education.educationindexpage",
            order=20,
        )
        post_save.connect(
            group_request_saved,
            sender="tourism.GroupRequest",
            dispatch_uid="education:group_request_saved",
        )


def group_request_saved(sender, instance, raw=False, **kwargs):
    """The class visit follows the group request the tourism desk decided (education.services)."""
    if raw:
        return
    from education.services import follow_group_request

    follow_group_request(instance)
