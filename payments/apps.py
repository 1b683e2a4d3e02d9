from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import scheduler
        from payments import checks  # noqa: F401  (registers the system checks)
        from payments.retention import prune_event_payloads

        scheduler.register("retention.payment_events", prune_event_payloads, daily=True)
