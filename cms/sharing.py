"""What a page tells the sites it is shared on and the crawlers that find it.

- `share_meta(request, page)`: the description, canonical URL, Open Graph type, locales and
  image of the page shown, for the <head> of base.html.
- Feeds every page links to (`<link rel="alternate" type="application/rss+xml">`): domains
  register them with `register_feed` in AppConfig.ready(); cms knows none of them.
- Pages outside the page tree (a form, a data page): domains register them with
  `register_view`; page types name their routable sub-pages in `BasePage.sitemap_subpages`.
  Both reach sitemap.xml and the HTML site map.

URLs are absolute on the host the request came to (allowed by ALLOWED_HOSTS), never on the
Wagtail Site's configured host name, which is "localhost" until someone changes it.

Location safety: the shared image is a re-encoded rendition of a Wagtail image the page
itself shows publicly (the editor's social image, else the page's own picture, else its listing
image), or the site's default in static/. Never an original file, never a camera-trap frame:
raw frames live in private storage and are not Wagtail images at all.
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy

SHARE_IMAGE_FILTER = "fill-1200x630|format-jpeg"
DEFAULT_SHARE_IMAGE = ("img/share.jpg", 1200, 630)
DESCRIPTION_LENGTH = 200
# Open Graph names locales as language_TERRITORY.
OG_LOCALES = {"ru": "ru_RU", "en": "en_GB", "zh-hans": "zh_CN"}
# Query parameters that never make a page different: campaign and click trackers.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = {"fbclid", "gclid", "yclid", "_openstat", "from"}

SITE_DESCRIPTION = gettext_lazy(
    "Land of the Leopard National Park in the south of Primorsky Krai: Amur leopards and "
    "tigers seen by the park's camera traps, the Leopard Trail, lessons for schools and "
    "ways to help the park.",
)


@dataclass(frozen=True)
class SiteFeed:
    url_name: str
    title: str
    content_type: str


@dataclass(frozen=True)
class SiteView:
    url_name: str
    title: str
    parent_type: str | None
    order: int


_feeds: dict[str, SiteFeed] = {}
_views: dict[str, SiteView] = {}


def register_feed(url_name, title, content_type="application/rss+xml"):
    """A feed every page announces to feed readers (a lazy title, in the visitor's language)."""
    _feeds[url_name] = SiteFeed(url_name, title, content_type)


def register_view(url_name, title, parent_type=None, order=100):
    """A public page outside the page tree, listed in the sitemaps.

    `parent_type` ("app_label.modelname" of a page type) nests it under that page in the HTML
    site map; without one it sits under the home page."""
    _views[url_name] = SiteView(url_name, title, parent_type, order)


def site_feeds():
    return [
        {"url": reverse(feed.url_name), "title": str(feed.title), "type": feed.content_type}
        for feed in _feeds.values()
    ]


def site_views():
    return sorted(_views.values(), key=lambda view: (view.order, view.url_name))


def absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def sitemap_entry(request, url_in_active_language, lastmod=None):
    """One sitemap <url>: its location in the active language and its alternates in each.

    `url_in_active_language()` is called once per language, with that language active."""
    alternates = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            url = url_in_active_language()
        if url:
            alternates.append({"lang_code": code, "location": absolute(request, url)})
    location = absolute(request, url_in_active_language())
    return {"location": location, "lastmod": lastmod, "alternates": alternates}


def view_sitemap_entries(request):
    return [sitemap_entry(request, lambda v=view: reverse(v.url_name)) for view in site_views()]


def canonical_url(request):
    """This page in this language: the path, and the page number when nothing else is asked."""
    return request.build_absolute_uri(request.path) + canonical_query(request)


def canonical_query(request):
    """The query "?page=N" of an unfiltered list, else nothing.

    Filters (?tag=, ?leopard=…) and trackers do not make another page; a page of an unfiltered
    list does."""
    kept = [
        key
        for key in request.GET
        if key not in TRACKING_PARAMETERS and not key.startswith(TRACKING_PREFIXES)
    ]
    query = ""
    if kept == ["page"]:
        number = request.GET.get("page", "")
        if number.isascii() and number.isdigit() and 1 < int(number) < 100_000:
            query = f"?page={int(number)}"
    return query


def page_description(page):
    if page is not None:
        for field in ("search_description", "listing_summary", "intro"):
            text = " ".join(str(getattr(page, field, "") or "").split())
            if text:
                return Truncator(text).chars(DESCRIPTION_LENGTH)
    return str(SITE_DESCRIPTION)


def share_image(request, page):
    """The absolute URL, size and description of the image shown when the page is shared."""
    found = page.share_image() if page is not None and hasattr(page, "share_image") else None
    if found is not None:
        image, alt = found
        try:
            rendition = image.get_rendition(SHARE_IMAGE_FILTER)
        except OSError:  # the original file is missing (Wagtail's SourceImageIOError)
            rendition = None
        if rendition is not None:
            return {
                "url": absolute(request, rendition.url),
                "width": rendition.width,
                "height": rendition.height,
                "alt": alt or page.title,
            }
    path, width, height = DEFAULT_SHARE_IMAGE
    return {
        "url": absolute(request, static(path)),
        "width": width,
        "height": height,
        "alt": gettext("Land of the Leopard"),
    }


def share_meta(request, page):
    language = translation.get_language()
    return {
        "description": page_description(page),
        "canonical": canonical_url(request),
        "type": getattr(page, "share_type", "website"),
        "locale": OG_LOCALES.get(language, language),
        "locale_alternates": [
            OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != language
        ],
        "image": share_image(request, page),
        "feeds": site_feeds(),
    }
