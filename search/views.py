from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms import params
from search import services
from search.engines.base import SearchUnavailable


@require_GET
def search_page(request):
    language = translation.get_language()
    query = request.GET.get("q", "")
    context = {"query": query.strip()}
    status = 200
    try:
        context["results"] = services.search(
            query,
            language,
            types=request.GET.getlist("type"),
            page=params.parse_page(request.GET.get("page")),
        )
    except SearchUnavailable:
        context["unavailable"] = True
        status = 503
    return render(request, "search/search_page.html", context, status=status)


@require_GET
@cache_control(max_age=60, public=True)
def autocomplete(request):
    query = request.GET.get("q", "")
    try:
        suggestions = services.autocomplete(query, translation.get_language())
    except SearchUnavailable:
        return JsonResponse({"query": query, "suggestions": [], "unavailable": True}, status=503)
    return JsonResponse({"query": query, "suggestions": suggestions})
