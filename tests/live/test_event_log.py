import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from live import publish
from live.models import Event
from live.services import events_since, group_name
from tests.live.conftest import sighting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def next_message(layer, channel):
    """The next message on a channel, or None when nothing arrives within a moment."""
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout=0.5)
    except TimeoutError:
        return None


async def listen(topic):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name(topic), channel)
    return layer, channel


async def test_publish_stores_the_event_and_broadcasts_it_after_commit():
    layer, channel = await listen("leopard:12")
    payload, localized = sighting()

    @database_sync_to_async
    def publish_in_a_transaction():
        with transaction.atomic():
            event = publish("leopard:12", "sighting.published", payload, localized=localized)
            return event

    event = await publish_in_a_transaction()
    message = await next_message(layer, channel)
    assert message["id"] == event.pk
    assert json.loads(message["text"]) == {"type": "event", "event": event.as_message()}
    stored = await Event.objects.aget(pk=event.pk)
    assert stored.localized["en"]["leopard_name"] == "Grace"


async def test_nothing_is_broadcast_before_the_transaction_commits():
    layer, channel = await listen("leopard:12")
    payload, localized = sighting()
    receiving = asyncio.ensure_future(layer.receive(channel))
    loop = asyncio.get_running_loop()

    async def received_after_a_moment():
        await asyncio.sleep(0.5)
        return receiving.done()

    def publish_and_look_before_commit():
        with transaction.atomic():
            publish("leopard:12", "sighting.published", payload, localized=localized)
            look = asyncio.run_coroutine_threadsafe(received_after_a_moment(), loop)
            return look.result(timeout=5)

    assert await database_sync_to_async(publish_and_look_before_commit)() is False
    assert (await asyncio.wait_for(receiving, timeout=3))["type"] == "live.event"


async def test_a_rolled_back_publication_leaves_nothing_and_broadcasts_nothing():
    layer, channel = await listen("leopard:12")
    payload, localized = sighting()

    @database_sync_to_async
    def publish_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            publish("leopard:12", "sighting.published", payload, localized=localized)
            raise RuntimeError("the vetting failed")

    await publish_then_fail()
    assert not await Event.objects.aexists()
    assert await next_message(layer, channel) is None


@pytest.mark.parametrize("topic", ["", "leopards:1", "leopard:", "leopard:1:2", "feed ", "slot:x"])
def test_unknown_topics_are_refused(topic):
    with pytest.raises(ValueError):
        publish(topic, "sighting.published", {})
    assert not Event.objects.exists()


def test_events_since_gives_the_missed_events_in_order_and_says_when_it_left_some_out():
    ids = [publish("feed", "note", {"n": n}).pk for n in range(5)]
    publish("campaign:3", "campaign.progress", {"raised": 10})
    found, truncated = events_since(["feed"], ids[1])
    assert [event.pk for event in found] == ids[2:]
    assert not truncated
    found, truncated = events_since(["feed"], 0, limit=2)
    assert [event.pk for event in found] == ids[3:]
    assert truncated
