import sys

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, QueryDict
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from cms import busy


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def sitemap_index(request):
    """Points to one sitemap per language (/ru/sitemap.xml, /en/sitemap.xml, ...)."""
    locations = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            locations.append(request.build_absolute_uri(reverse("sitemap")))
    xml = loader.render_to_string("cms/sitemap_index.xml", {"locations": locations})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@require_GET
def sitemap(request):
    """The live public pages in the active language, each with its other-language alternates."""
    response = wagtail_sitemap(request)
    response.render()
    return response


def bad_request(request, exception):
    """A request the portal refuses (a NUL byte, a number out of range): said in the
    visitor's language, nothing of what they sent echoed back (not even in the language
    links, which otherwise keep the query string)."""
    request.GET = QueryDict()
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render({}, request))


def page_not_found(request, exception):
    template = loader.get_template("404.html")
    return HttpResponse(template.render({"request_path": request.path}, request), status=404)


def server_error(request):
    if busy.is_pool_timeout(sys.exc_info()[1]):
        return busy.busy_response()
    # No request context: the database or a context processor may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": translation.get_language()}))
