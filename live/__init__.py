"""Live updates: the event log and its delivery.

Domains call `live.publish(topic, kind, payload, localized=...)`; live knows nothing of them.
"""


def publish(topic, kind, payload, *, localized=None):
    from live.services import publish as _publish

    return _publish(topic, kind, payload, localized=localized)
