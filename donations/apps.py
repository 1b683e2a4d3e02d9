from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "donations"
    default_auto_field = "django.db.models.BigAutoField"
