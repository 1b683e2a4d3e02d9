"""The payments app's Prometheus metrics (shown by cms.metrics' /metrics endpoint)."""

from prometheus_client import Counter

# result: processed, ignored (a type we do not handle), duplicate (applied before), refused
# (bad signature or body: 400), failed (not applied: 500, Stripe retries).
WEBHOOK_EVENTS = Counter(
    "portal_payment_webhook_events", "Stripe webhook deliveries, by result", ["result"]
)
