"""Sections that domain apps contribute to the home page.

cms knows nothing of leopards, tours or campaigns: each domain registers a section in its
AppConfig.ready() with a template and a function that returns the section's context (or None to
hide it), and the home page renders them in order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    name: str
    template: str
    get_context: Callable
    order: int = 100


_sections: dict[str, HomeSection] = {}


def register_section(name, template, get_context, order=100):
    _sections[name] = HomeSection(name, template, get_context, order)


def sections_for(request, page):
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        context = section.get_context(request, page)
        if context is not None:
            rendered.append(
                {"template": section.template, "context": context, "name": section.name}
            )
    return rendered


# -- A short-lived cache of the whole home page -------------------------------------------------
#
# The home page is the portal's busiest and costliest page: every domain adds a section. For
# anonymous visitors its HTML is cached per site, host and language for HOME_PAGE_CACHE_SECONDS.
# The key also holds a generation that any page publish, unpublish, move or deletion, or a saved
# site setting, changes, and whatever the domains register with `register_cache_version` (the
# live app registers the id of its latest event, so a new sighting, booking or gift shows at once).
# Whatever changes with time alone (a tour date passing) is at most that many seconds old.

_cache_versions: list[Callable] = []
GENERATION_KEY = "cms:home:generation"


def register_cache_version(get_version):
    """Adds a cheap function whose result is part of the home page's cache key."""
    if get_version not in _cache_versions:
        _cache_versions.append(get_version)


def bump_generation(**_kwargs):
    from django.core.cache import cache

    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value will do
        cache.set(GENERATION_KEY, 1, None)


def _cacheable_request(request):
    from django.conf import settings

    user = getattr(request, "user", None)
    return (
        getattr(settings, "HOME_PAGE_CACHE_SECONDS", 0) > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not (user is not None and user.is_authenticated)
        # A visitor with a session or pending messages may see something of their own.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cache_key(request, page):
    from django.core.cache import cache
    from django.utils import translation

    generation = cache.get(GENERATION_KEY, 0)
    versions = ":".join(str(get_version()) for get_version in _cache_versions)
    return ":".join(
        [
            "cms:home:page",
            str(page.pk),
            request.scheme,
            request.get_host(),
            translation.get_language() or "",
            str(generation),
            versions,
        ]
    )


def serve_cached(request, page, serve):
    """Serves `page` through `serve()`, or its cached HTML when nothing has changed."""
    from django.conf import settings
    from django.core.cache import cache
    from django.http import HttpResponse

    if not _cacheable_request(request):
        return serve()
    key = _cache_key(request, page)
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        return HttpResponse(content, content_type=content_type)
    response = serve()
    if hasattr(response, "render"):
        response.render()
    # Never cache a page that set a cookie (a CSRF token, say): it belongs to one visitor.
    if response.status_code == 200 and not response.cookies:
        cache.set(
            key, (response.content, response["Content-Type"]), settings.HOME_PAGE_CACHE_SECONDS
        )
    return response
