"""Django's own admin (/django-admin/), for superusers only.

Staff work in Wagtail's admin (/admin/), whose forms check what they accept (documents by
content, images by Pillow). Django's admin would let any staff role past those checks, so it is
kept for superusers' maintenance, and Wagtail's documents and images are not in it at all: an
upload there would skip SafeDocumentForm even for a superuser.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    default_site = "cms.admin_site.SuperuserAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        for model in (get_document_model(), get_image_model()):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
