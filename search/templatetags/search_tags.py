from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def search_url(
    results=None, *, query=None, page=None, toggle_type=None, all_types=False, language=None
):
    """The search page's URL for `results` with one thing changed (a page, a type, a query).

    A change of type or query starts again at the first page. `language` gives that language's
    search page for the same query.
    """
    query = results.query if query is None and results else query or ""
    types = [] if all_types or not results else list(results.types)
    if toggle_type:
        types = (
            [t for t in types if t != toggle_type]
            if toggle_type in types
            else [*types, toggle_type]
        )
    params = [("q", query), *(("type", type_) for type_ in types)]
    if page and page > 1:
        params.append(("page", page))
    with translation.override(language or translation.get_language()):
        path = reverse("search:search")
    return f"{path}?{urlencode(params)}"
