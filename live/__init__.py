"""Live updates: the event log and its delivery.

Domains call `live.publish(topic, kind, payload, localized=...)`; live knows nothing of them.
"""


def publish(topic, kind, payload, *, localized=None):
    from live.services import publish as _publish

    return _publish(topic, kind, payload, localized=localized)


def retract(kind, key, value, *, as_kind):
    from live.services import retract as _retract

    return _retract(kind, key, value, as_kind=as_kind)


def absolute_url(url):
    from live.services import absolute_url as _absolute_url

    return _absolute_url(url)
