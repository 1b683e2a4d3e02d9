import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from live.models import Event

TOPIC_PATTERN = re.compile(r"^(feed|(leopard|campaign|slot):[0-9]+)$")


def group_name(topic):
    """The channel-layer group of a topic (group names allow no colon)."""
    return "live." + topic.replace(":", ".")


def publish(topic, kind, payload, *, localized=None):
    """Stores an event and broadcasts it once the surrounding transaction commits.

    A rolled-back transaction leaves no event and broadcasts nothing.
    """
    if not TOPIC_PATTERN.match(topic):
        raise ValueError(f"unknown live topic {topic!r}")
    event = Event.objects.create(topic=topic, kind=kind, payload=payload, localized=localized or {})
    # robust: a channel layer that is down must not fail the request; the log keeps the event.
    transaction.on_commit(lambda: broadcast(event), robust=True)
    return event


def broadcast(event):
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        group_name(event.topic), {"type": "live.event", "event": event.as_message()}
    )
