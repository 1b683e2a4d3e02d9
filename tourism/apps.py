from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "tourism"
    verbose_name = _("Tourism")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import payments
        from cms import demo, home, scheduler
        from tourism import sections, services
        from tourism.demo import load

        payments.register(
            services.PURPOSE,
            services.on_booking_payment,
            limits=services.PAYMENT_LIMITS,
            permission="tourism.run_tourism_desk",
        )
        demo.register("tourism", load, order=30)
        scheduler.register("tourism.expire_holds", services.expire_holds)
        scheduler.register("retention.tourism_visitors", services.forget_past_visitors, daily=True)
        home.register_section(
            "tours", "tourism/includes/home_tours.html", sections.home_tours, order=30
        )
