import sys

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, QueryDict
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Site

from cms import busy, sharing


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


class PortalSitemap(WagtailSitemap):
    """The live public pages with their routable sub-pages (BasePage.get_sitemap_urls), then
    the registered pages outside the tree (sharing.register_view), on the request's host."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        if page == 1:
            urls.extend(sharing.view_sitemap_entries(self.request))
        return urls


@require_GET
def sitemap(request):
    """The live public pages in the active language, each with its other-language alternates."""
    response = sitemap_views.sitemap(request, {"pages": PortalSitemap(request)})
    response.render()
    return response


@require_GET
def site_map(request):
    """The sitemap for people: every public page in this language, as the page tree nests them."""
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    pages = (
        site.root_page.get_descendants(inclusive=True)
        .live()
        .public()
        .order_by("path")
        .defer_streamfields()
        .specific()
    )
    nodes_by_path, roots, nodes_by_type = {}, [], {}
    for page in pages:
        url = page.get_url(request)
        if not url:
            continue
        node = {"title": page.title, "url": url, "page": page, "children": []}
        for title, suffix in getattr(page, "sitemap_subpage_urls", list)():
            node["children"].append({"title": title, "url": url + suffix, "children": []})
        parent = nodes_by_path.get(page.path[: -page.steplen])
        (parent["children"] if parent else roots).append(node)
        nodes_by_path[page.path] = node
        nodes_by_type.setdefault(page.specific_class._meta.label_lower, node)
    for view in sharing.site_views():
        node = {"title": view.title, "url": reverse(view.url_name), "children": []}
        parent = nodes_by_type.get(view.parent_type) or (roots[0] if roots else None)
        (parent["children"] if parent else roots).append(node)
    return TemplateResponse(
        request, "cms/site_map.html", {"nodes": roots, "feeds": sharing.site_feeds()}
    )


def bad_request(request, exception):
    """A request the portal refuses (a NUL byte, a number out of range): said in the
    visitor's language, nothing of what they sent echoed back (not even in the language
    links, which otherwise keep the query string)."""
    request.GET = QueryDict()
    try:
        request.get_host()
    except DisallowedHost:
        # A host name not among ALLOWED_HOSTS: the page must not build a link on it (canonical,
        # language links), so it is the plain page without the request, like the 500 page's.
        template = loader.get_template("400_plain.html")
        return HttpResponseBadRequest(
            template.render({"LANGUAGE_CODE": translation.get_language()})
        )
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
