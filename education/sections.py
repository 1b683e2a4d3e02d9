"""Education's part of the home page: the next events, when there are any."""

from education import services
from education.models import EventIndexPage


def home_events(request, home):
    index = EventIndexPage.objects.live().public().descendant_of(home).first()
    if index is None:
        return None
    events = list(services.upcoming_events(index, limit=3))
    if not events:
        return None
    return {"events": events, "index": index}
