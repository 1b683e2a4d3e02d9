from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save
        from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
        from wagtail.images import get_image_model
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from cms import metrics
        from cms.home import bump_generation
        from cms.images import strip_uploaded_metadata
        from cms.jobs import register_jobs

        register_jobs()

        metrics.watch_tasks()

        for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
            signal.connect(bump_generation, dispatch_uid=f"cms.home.{signal!r}")

        def on_model_change(sender, **kwargs):
            from wagtail.models import Page

            if issubclass(sender, (Page, BaseSiteSetting, BaseGenericSetting)):
                bump_generation()

        post_save.connect(on_model_change, weak=False, dispatch_uid="cms.home.saved")
        pre_save.connect(
            strip_uploaded_metadata, sender=get_image_model(), dispatch_uid="cms.images.metadata"
        )
        post_delete.connect(on_model_change, weak=False, dispatch_uid="cms.home.deleted")
