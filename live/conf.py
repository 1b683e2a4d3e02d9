"""Settings of the live app, with defaults; portal/settings.py may override any of them."""

from datetime import timedelta

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, default)


def max_topics():
    """Topics one WebSocket connection or poll may follow."""
    return _get("LIVE_MAX_TOPICS", 8)


def max_message_bytes():
    """The largest message a client may send; a subscription is a few hundred bytes."""
    return _get("LIVE_MAX_MESSAGE_BYTES", 2048)


def max_client_messages():
    """Messages a client may send per heartbeat interval (a subscription and pongs)."""
    return _get("LIVE_MAX_CLIENT_MESSAGES", 10)


def heartbeat_seconds():
    return _get("LIVE_HEARTBEAT_SECONDS", 25)


def replay_limit():
    """Missed events a reconnecting client is sent; older ones it reloads with the page."""
    return _get("LIVE_REPLAY_LIMIT", 100)


def send_backlog():
    """Frames that may wait for a client that reads slowly; one more closes it (1013: it
    reconnects and resumes after its last id). Always room for a whole replay."""
    return max(_get("LIVE_SEND_BACKLOG", 200), replay_limit() + 2)


def layer_check_seconds():
    return _get("LIVE_LAYER_CHECK_SECONDS", 1.0)


def allowed_origins():
    """Origins allowed to open /ws/live/ besides the hosts of ALLOWED_HOSTS (which asgi checks)."""
    return _get("LIVE_ALLOWED_ORIGINS", [])


def poll_seconds():
    """How often the browser client polls when WebSockets are unavailable."""
    return _get("LIVE_POLL_SECONDS", 5)


def email_batch_size():
    return _get("LIVE_EMAIL_BATCH_SIZE", 200)


def confirmation_resend_minutes():
    """A pending follower gets at most one confirmation e-mail in this time (no mail-bombing)."""
    return _get("LIVE_CONFIRMATION_RESEND_MINUTES", 10)


def feed_scan():
    """The newest sightings of a topic the feeds choose from (one item per sighting); the log
    keeps at least these on every topic (live.retention)."""
    return _get("LIVE_FEED_SCAN", 200)


def event_retention():
    """Events younger than this stay in the log for replay and polling (live.retention)."""
    return timedelta(days=_get("LIVE_EVENT_RETENTION_DAYS", 30))


def delivery_retention():
    return timedelta(days=_get("LIVE_DELIVERY_RETENTION_DAYS", 90))


def unconfirmed_retention():
    """How long an address that never confirmed is kept after its last confirmation link."""
    return timedelta(days=_get("RETENTION_UNCONFIRMED_DAYS", 30))


def site_url():
    """The public address used in e-mails and feeds built outside a request."""
    return _get("LIVE_SITE_URL", settings.WAGTAILADMIN_BASE_URL).rstrip("/")
