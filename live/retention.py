"""What the event log and the followers keep, and for how long (run daily by the scheduler).

The policy keeps everything the outputs read (docs/live.md, "Retention"):
- Replay and polling send a client the events after the last id it saw. Everything younger than
  LIVE_EVENT_RETENTION_DAYS (30) stays, so a page open (or a cursor kept) for less than that
  misses nothing; an older cursor gets what is left, as the page would on reload.
- The feeds (RSS/Atom, 30 items), the home feed (6) and a leopard feed's title read the latest
  sightings of a topic among its newest `sighting.published` events (`latest_sightings`, which
  looks at LIVE_FEED_SCAN of them): those newest ones stay on every topic, however old.
- The newest event of all stays: it is the cursor pages hand out (`latest_id`), and a cursor
  beyond the newest event is refused.
- Delivery rows ("this follower had this sighting") guard against a second e-mail while a
  sighting's e-mails are being sent or retried; they go with their event, and at the latest
  LIVE_DELIVERY_RETENTION_DAYS (90) after it. A claim never sent (its batch's worker died) goes
  after a day.
- Followers who never confirmed are forgotten RETENTION_UNCONFIRMED_DAYS (30) after their last
  confirmation e-mail. Unsubscribed followers stay: the row is what keeps a sponsor's later
  gift from following the leopard for them again (services.add_confirmed_follower).
"""

from datetime import timedelta

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from live import conf
from live.models import Delivery, Event, Follower
from live.services import SIGHTING_PUBLISHED

DELETE_BATCH = 1000


def feed_events():
    """The events the feeds may show: the newest LIVE_FEED_SCAN sightings of each topic."""
    ranked = Event.objects.filter(kind=SIGHTING_PUBLISHED).annotate(
        newness=Window(RowNumber(), partition_by=[F("topic")], order_by=F("id").desc())
    )
    return ranked.filter(newness__lte=conf.feed_scan()).values_list("id", flat=True)


def prune_events(now=None):
    """Deletes the events no output needs any more (their deliveries go with them)."""
    now = now or timezone.now()
    newest = Event.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    kept = {newest, *feed_events()}
    old = (
        Event.objects.filter(created_at__lt=now - conf.event_retention())
        .order_by("id")
        .values_list("id", flat=True)
    )
    doomed = [pk for pk in old if pk not in kept]
    deleted = 0
    for start in range(0, len(doomed), DELETE_BATCH):
        deleted += (
            Event.objects.filter(pk__in=doomed[start : start + DELETE_BATCH])
            .delete()[1]
            .get("live.Event", 0)
        )
    return deleted


def prune_deliveries(now=None):
    """Deletes delivery rows past their use: old ones, and claims whose batch died."""
    now = now or timezone.now()
    return Delivery.objects.filter(
        Q(event__created_at__lt=now - conf.delivery_retention())
        | Q(sent_at__isnull=True, event__created_at__lt=now - timedelta(days=1))
    ).delete()[0]


def prune_event_log(now=None):
    now = now or timezone.now()
    return {"deliveries": prune_deliveries(now), "events": prune_events(now)}


def forget_unconfirmed_followers(now=None):
    """Deletes the followers who never confirmed, a while after their last confirmation link."""
    now = now or timezone.now()
    cutoff = now - conf.unconfirmed_retention()
    return (
        Follower.objects.filter(status=Follower.Status.PENDING)
        .filter(
            Q(confirmation_sent_at__lt=cutoff)
            | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff)
        )
        .delete()[1]
        .get("live.Follower", 0)
    )
