"""Public JSON of published sightings and monthly counts: generalised data only."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from wildlife import services
from wildlife.models import PublishedSighting

LATEST_LIMIT = 50


@require_GET
def sightings_json(request):
    """The latest published sightings, as the live feed carries them."""
    sightings = PublishedSighting.objects.for_listing()[:LATEST_LIMIT]
    items = []
    for sighting in sightings:
        payload, localized = services.sighting_event(sighting)
        items.append({**payload, "localized": localized})
    return JsonResponse({"sightings": items}, json_dumps_params={"ensure_ascii": False})


@require_GET
def monthly_counts_json(request):
    species = request.GET.get("species") or None
    rows = services.monthly_sector_counts(species=species)
    return JsonResponse({"rows": rows}, json_dumps_params={"ensure_ascii": False})
