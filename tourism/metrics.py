"""The tourism app's Prometheus metrics (shown by cms.metrics' /metrics endpoint).

Counted when the booking's transaction commits (a hold rolled back never happened), by the
booking's source: online, waiting_list (an offer of freed places) or group (a class visit).
"""

from django.db import transaction
from prometheus_client import Counter

HELD = Counter(
    "portal_bookings_held", "Tour bookings holding places while the visitor pays", ["source"]
)
CONFIRMED = Counter(
    "portal_bookings_confirmed", "Tour bookings confirmed (paid, free, or approved)", ["source"]
)


def count_on_commit(counter, booking):
    transaction.on_commit(counter.labels(source=booking.source).inc)
