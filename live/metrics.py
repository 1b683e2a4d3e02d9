"""The live app's Prometheus metrics (shown by cms.metrics' /metrics endpoint)."""

from prometheus_client import Counter, Gauge

# Summed over the live worker processes in multiprocess mode (a dead worker's sockets are gone).
CONNECTIONS = Gauge(
    "portal_live_connections",
    "Open WebSocket connections of live clients",
    multiprocess_mode="livesum",
)
EVENTS_PUBLISHED = Counter(
    "portal_live_events_published", "Live events published (committed), by kind", ["kind"]
)
