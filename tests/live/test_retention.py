"""What the event log keeps: everything replay needs within its window, what the feeds show on
every topic, the newest event; deliveries and unconfirmed followers go on schedule."""

import datetime
import uuid

import pytest
from django.utils import timezone

from live import retention, services
from live.models import Delivery, Event, Follower
from live.services import publish
from tests.live.conftest import publish_sighting

pytestmark = pytest.mark.django_db


def aged(events, days):
    Event.objects.filter(pk__in=[e.pk for e in events]).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def feeds_and_replay():
    """What every output reads from the log: the feeds, the home feed, a replay."""
    return {
        "feed": [e.pk for e in services.latest_sightings("feed", limit=30)],
        "home": [e.pk for e in services.latest_sightings("feed", limit=6)],
        "leopard": [e.pk for e in services.latest_sightings("leopard:12", limit=30)],
        "other leopard": [e.pk for e in services.latest_sightings("leopard:7", limit=1)],
        "latest id": services.latest_id(),
    }


def test_old_events_go_but_the_feeds_read_what_they_read_before(settings):
    settings.LIVE_FEED_SCAN = 4
    settings.LIVE_EVENT_RETENTION_DAYS = 30
    old_sightings = [publish_sighting(leopard_id=12) for _ in range(6)]  # 12 events
    lone = publish_sighting(leopard_id=7)  # a leopard seen once, long ago
    old_notes = [publish("slot:3", "availability", {"left": n}) for n in range(3)]
    aged([e for pair in [*old_sightings, lone] for e in pair] + old_notes, days=400)
    recent = [publish("campaign:2", "campaign.progress", {"n": n}) for n in range(3)]
    aged(recent, days=29)
    before = feeds_and_replay()
    cursor = old_notes[-1].pk  # a page rendered before the recent events
    replay_before = services.events_since(["campaign:2", "slot:3"], since=cursor)

    deleted = retention.prune_events()

    # The slot's notes went, and the sightings beyond the newest 4 of each topic: 2 of
    # leopard 12's 6, 3 of the feed's 7; recent events stayed.
    assert deleted == len(old_notes) + 2 + 3
    assert not Event.objects.filter(pk__in=[e.pk for e in old_notes]).exists()
    assert feeds_and_replay() == before
    assert services.events_since(["campaign:2", "slot:3"], since=cursor) == replay_before
    assert Event.objects.filter(pk__in=[e.pk for e in recent]).count() == 3


def test_the_newest_event_stays_so_cursors_pages_gave_out_stay_valid(settings):
    settings.LIVE_FEED_SCAN = 1
    notes = [publish("slot:3", "availability", {"left": n}) for n in range(3)]
    aged(notes, days=400)

    retention.prune_events()

    assert list(Event.objects.values_list("pk", flat=True)) == [notes[-1].pk]
    assert services.latest_id() == notes[-1].pk


def delivery(follower, event, sent=True):
    return Delivery.objects.create(
        follower=follower,
        event=event,
        subject=services.delivery_subject(event),
        batch=uuid.uuid4(),
        sent_at=timezone.now() if sent else None,
    )


def follower(email, status=Follower.Status.ACTIVE, **fields):
    return Follower.objects.create(
        email=email, topic="leopard:12", title="Grace", language="en", status=status, **fields
    )


def test_deliveries_go_after_their_time_and_dead_claims_after_a_day(settings):
    settings.LIVE_DELIVERY_RETENTION_DAYS = 90
    reader = follower("reader@example.org")
    (old_event, _feed), (week_old, _), (fresh, _) = (publish_sighting() for _ in range(3))
    aged([old_event], days=91)
    aged([week_old], days=7)
    old = delivery(reader, old_event)
    sent_last_week = delivery(reader, week_old)
    dead_claim = delivery(follower("other@example.org"), week_old, sent=False)
    claim_in_progress = delivery(follower("third@example.org"), fresh, sent=False)

    assert retention.prune_deliveries() == 2

    remaining = set(Delivery.objects.values_list("pk", flat=True))
    assert remaining == {sent_last_week.pk, claim_in_progress.pk}
    assert old.pk not in remaining and dead_claim.pk not in remaining


def test_followers_who_never_confirmed_are_forgotten_and_the_others_kept(settings):
    settings.RETENTION_UNCONFIRMED_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=31)
    silent = follower("silent@example.org", status=Follower.Status.PENDING)
    Follower.objects.filter(pk=silent.pk).update(created_at=long_ago, confirmation_sent_at=long_ago)
    asked_again = follower(
        "again@example.org",
        status=Follower.Status.PENDING,
        confirmation_sent_at=timezone.now() - datetime.timedelta(days=2),
    )
    Follower.objects.filter(pk=asked_again.pk).update(created_at=long_ago)
    confirmed = follower("confirmed@example.org")
    left = follower("left@example.org", status=Follower.Status.UNSUBSCRIBED)
    Follower.objects.filter(pk__in=[confirmed.pk, left.pk]).update(created_at=long_ago)

    assert retention.forget_unconfirmed_followers() == 1

    assert set(Follower.objects.values_list("email", flat=True)) == {
        "again@example.org",
        "confirmed@example.org",
        "left@example.org",  # stays unsubscribed: a sponsor's gift will not re-follow for them
    }
