from importlib.util import find_spec

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views


def app_urls(module):
    """Each portal app's `urls` (pages, under the language prefix) or `api_urls` (neutral)."""
    return [
        path("", include(f"{app}.{module}"))
        for app in settings.PORTAL_APPS
        if find_spec(f"{app}.{module}") is not None
    ]


handler400 = "cms.views.bad_request"
handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", cms_views.sitemap_index, name="sitemap_index"),
    *app_urls("api_urls"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(
    path("sitemap.xml", cms_views.sitemap, name="sitemap"),
    path("site-map/", cms_views.site_map, name="site_map"),
    *app_urls("urls"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
