from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save
        from wagtail.signals import page_published

        import payments
        from cms import demo, home, scheduler
        from donations import (
            checks,  # noqa: F401  (registers the system checks)
            conf,
            retention,
            services,
        )
        from donations.demo import load
        from donations.models import CampaignIndexPage
        from donations.signals import campaign_index_created, report_published

        payments.register(
            conf.PURPOSE,
            services.on_donation_payment,
            limits=conf.LIMITS,
            permission="donations.view_donation",
        )
        home.register_section(
            "campaigns",
            "donations/includes/home_campaigns.html",
            services.campaign_card_context,
            order=50,
        )
        demo.register("donations", load, order=50)
        scheduler.register("retention.donors", retention.forget_past_donors, daily=True)
        scheduler.register(
            "retention.report_subscribers", retention.forget_unconfirmed_subscribers, daily=True
        )
        page_published.connect(report_published, dispatch_uid="donations:report_published")
        post_save.connect(
            campaign_index_created,
            sender=CampaignIndexPage,
            dispatch_uid="donations:campaign_index_created",
        )
