from django.apps import AppConfig


class WildlifeConfig(AppConfig):
    name = "wildlife"
    default_auto_field = "django.db.models.BigAutoField"
