"""Tourism's settings, each with a default; a deployment overrides them in settings."""

import math
from datetime import timedelta

from django.conf import settings

CURRENCY = "RUB"


def _get(name, default):
    return getattr(settings, name, default)


def hold_duration():
    """How long places are held while the visitor pays: Stripe Checkout's shortest expiry."""
    return timedelta(minutes=_get("TOURISM_HOLD_MINUTES", 30))


def held_places_per_client(slot):
    """The most places one client may have in unpaid holds on `slot` at once: a share of its
    places (`RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE`, percent), never less than one party
    of the date's largest size. None when limits are off (`RATE_LIMITS_ENABLED`)."""
    if not _get("RATELIMIT_ENABLE", True):
        return None
    share = math.ceil(slot.capacity * _get("RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE", 50) / 100)
    return max(share, min(slot.max_party, slot.capacity))


def keep_personal_data():
    """How long after the tour a booking keeps its visitor's name and contacts (the consent
    says a year)."""
    return timedelta(days=_get("TOURISM_KEEP_PERSONAL_DATA_DAYS", 365))


def waiting_list_hold():
    """How long places offered to someone on the waiting list stay theirs."""
    return timedelta(hours=_get("TOURISM_WAITING_LIST_HOLD_HOURS", 12))


def refund_policy():
    """((hours before the start, percent refunded), ...): the first rule that applies wins.

    The default: a full refund up to 48 hours before the tour, nothing after.
    """
    rules = _get("TOURISM_REFUND_POLICY", ((48, 100),))
    return sorted(((int(h), int(p)) for h, p in rules), reverse=True)


def site_url():
    """The public address used in e-mails sent outside a request (the webhook, the sweeper)."""
    return _get("TOURISM_SITE_URL", settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def desk_email():
    return _get("TOURISM_DESK_EMAIL", settings.DEFAULT_FROM_EMAIL)
