from django.apps import AppConfig


class TourismConfig(AppConfig):
    name = "tourism"
    default_auto_field = "django.db.models.BigAutoField"
