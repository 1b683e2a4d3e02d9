from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from modeltranslation.utils import build_localized_fieldname
from wagtail.models import Page, Site

from cms import sharing
from cms.i18n import fallback_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language to the same page: its translated URL, or the same view's."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    current = translation.get_language()
    # A routable page's sub-page (…/sightings/) and the filters in the query string carry over.
    suffix = ""
    is_page = isinstance(page, Page) and page.pk
    if is_page:
        own_url = page.get_url(request)
        if own_url and request.path.startswith(own_url):
            suffix = request.path[len(own_url) :]
    query = request.GET.urlencode()
    full_path = request.path + (f"?{query}" if query else "")
    # The hreflang alternates in <head> point where the canonical link does: no filters.
    alternate_query = sharing.canonical_query(request)
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if is_page:
            with translation.override(code):
                url = page.get_url(request)
            if url:
                url += suffix + (f"?{query}" if query else "")
        if not url:
            url = translate_url(full_path, code)
            if url == full_path and code != current:
                url = home_url_for(code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url.split("?", 1)[0]) + alternate_query,
                "current": code == current,
            }
        )
    return links


def home_url_for(code):
    with translation.override(code):
        try:
            return reverse("wagtail_serve", args=[""])
        except NoReverseMatch:
            return f"/{code}/"


@register.simple_tag
def home_url():
    return home_url_for(translation.get_language())


@register.simple_tag
def lang_attr(obj, field_name):
    """` lang="xx"` when the shown value of a translated field falls back to another language."""
    language = fallback_language(obj, field_name)
    if language:
        return format_html(' lang="{}"', language)
    return ""


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The menu edited in Navigation settings, or else the home page's children shown in menus."""
    from cms.models import NavigationSettings

    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:  # no site configured yet: pages still render, without a menu
        return []
    links = list(NavigationSettings.for_site(site).links.select_related("page"))
    if links:
        # A label left empty in this language means "the page's title", which has its own
        # translations, rather than another language's label.
        label_field = build_localized_fieldname("label", translation.get_language())
        items = [
            {"title": getattr(link, label_field, "") or link.page.title, "page": link.page}
            for link in links
            if link.page.live
        ]
    else:
        children = site.root_page.get_children().live().in_menu().public()
        items = [{"title": child.title, "page": child} for child in children]
    current = context.get("page")
    for item in items:
        item["url"] = item["page"].get_url(request)
        item["current"] = isinstance(current, Page) and current.path.startswith(item["page"].path)
    return items


@register.simple_tag(takes_context=True)
def share_meta(context):
    """Description, canonical URL, Open Graph type, locales, image and feeds of the page shown."""
    request = context.get("request")
    if request is None:
        return None
    page = context.get("page")
    return sharing.share_meta(request, page if isinstance(page, Page) else None)


@register.simple_tag(takes_context=True)
def block_text(context, name):
    """The text of a block as the page fills it in, for a second use (og:title beside <title>).

    Reads the most-derived template's block, already rendered above; plain text, escaped."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return ""
    with context.push():
        text = block.nodelist.render(context)
    return mark_safe(" ".join(strip_tags(text).split()))  # rendered with autoescape
