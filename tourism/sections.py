"""The home page's tours section."""

from tourism.models import TourPage
from tourism.services import next_slots_by_tour


def home_tours(request, page):
    """Published tours under the home page, each with its next date; hidden when none."""
    tours = list(TourPage.objects.descendant_of(page).live().public().order_by("path")[:4])
    if not tours:
        return None
    next_slots = next_slots_by_tour(tours)
    return {"tours": [(tour, next_slots.get(tour.pk)) for tour in tours]}
