"""Fixtures of the live app's tests: sighting events in the wildlife app's shape, private Redis."""

import itertools

import pytest

from live.services import publish

_numbers = itertools.count(1)

MONTH_LABELS = {"ru": "март 2026", "en": "March 2026", "zh-hans": "2026年3月"}
SECTOR_LABELS = {"ru": "Южный сектор", "en": "Southern sector", "zh-hans": "南部区域"}


def sighting(leopard_id=12, code="Leo 45F", names=None, sighting_id=None, languages=None):
    """(payload, localized) of a published sighting, as wildlife's publish_sighting hands over."""
    sighting_id = sighting_id or next(_numbers)
    names = names or {"ru": "Грация", "en": "Grace", "zh-hans": "格蕾丝"}
    titles = {
        "ru": f"{names['ru']} ({code}) снова замечена",
        "en": f"{names['en']} ({code}) seen again",
        "zh-hans": f"{names['zh-hans']}（{code}）再次出现",
    }
    slugs = {"ru": "leopardy", "en": "leopards", "zh-hans": "bao"}
    payload = {
        "sighting_id": sighting_id,
        "leopard_id": leopard_id,
        "leopard_code": code,
        "species": "Panthera pardus orientalis",
        "month": "2026-03",
        "sector": "south",
        "image": {"url": f"/media/sightings/{sighting_id}.jpg", "width": 800, "height": 600},
    }
    localized = {
        language: {
            "title": f"{titles[language]} #{sighting_id}",
            "leopard_name": names[language],
            "month_label": MONTH_LABELS[language],
            "sector_label": SECTOR_LABELS[language],
            "url": f"/{language}/{slugs[language]}/{code.lower().replace(' ', '-')}/",
            "alt": f"{names[language]} ({code})",
        }
        for language in (languages or ("ru", "en", "zh-hans"))
    }
    return payload, localized


def publish_sighting(leopard_id=12, **kwargs):
    """Publishes one sighting on its leopard's topic and on the feed, as wildlife does."""
    payload, localized = sighting(leopard_id=leopard_id, **kwargs)
    on_leopard = publish(
        f"leopard:{leopard_id}", "sighting.published", payload, localized=localized
    )
    on_feed = publish("feed", "sighting.published", payload, localized=localized)
    return on_leopard, on_feed


@pytest.fixture
def redis_layer(settings, redis_server):
    """This process's channel layer on the private Redis (the backend CHANNEL_LAYER_BACKEND names)."""
    import os

    backend = os.environ.get(
        "CHANNEL_LAYER_BACKEND", "channels_redis.pubsub.RedisPubSubChannelLayer"
    )
    # The prefix the server processes a test starts will use (tests/conftest.py sets one per
    # parallel test process): a different one and they would never hear this process.
    prefix = os.environ.get("CHANNEL_LAYER_PREFIX", "asgi")
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": backend, "CONFIG": {"hosts": [redis_server.url], "prefix": prefix}}
    }
    return redis_server
