"""The event log and what it feeds: broadcasts, replays, the home feed, followers' e-mail."""

import json
import logging
import re
import uuid
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core import mail, signing
from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from live import conf, metrics
from live.models import Delivery, Event, Follower

logger = logging.getLogger(__name__)

# \Z, not $: "$" also matches before a trailing newline, and "feed\n" is no topic.
TOPIC_PATTERN = re.compile(r"^(feed|(leopard|campaign|slot|tour):[0-9]{1,12})\Z")
FOLLOWABLE_TOPIC = re.compile(r"^leopard:[0-9]{1,12}\Z")
SIGHTING_PUBLISHED = "sighting.published"
# An arbitrary constant: the PostgreSQL advisory lock that orders publications.
PUBLISH_LOCK_KEY = 0x1E0_1A2D


def group_name(topic):
    """The channel-layer group of a topic (group names allow no colon)."""
    return "live." + topic.replace(":", ".")


def is_topic(value):
    return isinstance(value, str) and TOPIC_PATTERN.match(value) is not None


def publish(topic, kind, payload, *, localized=None):
    """Stores an event and broadcasts it once the surrounding transaction commits.

    A rolled-back transaction leaves no event and broadcasts nothing. Publications are
    serialised until commit, so event ids become visible in increasing order and a client that
    resumes after the highest id it saw misses nothing: publish at the end of a transaction.
    """
    if not is_topic(topic):
        raise ValueError(f"unknown live topic {topic!r}")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK_KEY])
        # SQLite needs nothing: its write transactions are serialised already (IMMEDIATE).
        event = Event.objects.create(
            topic=topic, kind=kind, payload=payload, localized=localized or {}
        )
    # robust: a channel layer that is down must not fail the request; the log keeps the event.
    transaction.on_commit(lambda: broadcast(event), robust=True)
    transaction.on_commit(metrics.EVENTS_PUBLISHED.labels(kind=kind).inc)
    if kind == SIGHTING_PUBLISHED and FOLLOWABLE_TOPIC.match(topic):
        transaction.on_commit(lambda: enqueue_follower_emails(event), robust=True)
    return event


def retract(kind, key, value, *, as_kind):
    """Empties the stored events of `kind` whose payload[key] is `value`, and renames them.

    What the publisher has taken back (a withdrawn sighting) then leaves every replay, feed and
    pending e-mail at once; the events keep their ids, so clients' cursors stay valid.
    """
    return Event.objects.filter(kind=kind, **{f"payload__{key}": value}).update(
        kind=as_kind, payload={key: value}, localized={}
    )


def event_text(event):
    """The WebSocket frame of an event, encoded once and sent as is to every client."""
    return json.dumps({"type": "event", "event": event.as_message()}, ensure_ascii=False)


def broadcast(event):
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        group_name(event.topic),
        {"type": "live.event", "topic": event.topic, "id": event.pk, "text": event_text(event)},
    )


def events_since(topics, since, limit=None):
    """Events on `topics` after id `since`, oldest first: at most `limit`, the latest ones.

    Returns (events, truncated); truncated means older missed events were left out.
    """
    limit = limit or conf.replay_limit()
    newest_first = list(
        Event.objects.filter(topic__in=topics, id__gt=since).order_by("-id")[: limit + 1]
    )
    truncated = len(newest_first) > limit
    return newest_first[:limit][::-1], truncated


def latest_id():
    """The cursor of a page being rendered: the client resumes after it."""
    return Event.objects.aggregate(latest=Max("id"))["latest"] or 0


# Texts for people ------------------------------------------------------------------------


def language_order(language):
    fallbacks = settings.LANGUAGE_FALLBACKS.get(language, ())
    return [language, *fallbacks]


def localized_texts(event, language):
    """(texts, language they are in) for a language, falling back in the declared order."""
    for code in language_order(language):
        texts = event.localized.get(code)
        if texts:
            return texts, code
    return {}, language


def absolute_url(url):
    """A site path made absolute for e-mails and feeds; anything but a path or http(s) is dropped."""
    if not isinstance(url, str):
        return ""
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith("/") and not url.startswith("//"):
        return conf.site_url() + url
    return ""


def sighting_item(event, language):
    """What a page, a feed or an e-mail shows of a published sighting, in one language."""
    texts, shown_in = localized_texts(event, language)
    image = event.payload.get("image") or {}
    return {
        "id": event.pk,
        "key": f"sighting-{event.payload.get('sighting_id')}",
        "sighting_id": event.payload.get("sighting_id"),
        "month": event.payload.get("month", ""),
        "title": texts.get("title", ""),
        "leopard_name": texts.get("leopard_name", ""),
        "month_label": texts.get("month_label", ""),
        "sector_label": texts.get("sector_label", ""),
        "url": texts.get("url", ""),
        "alt": texts.get("alt", ""),
        "image": image if image.get("url") else None,
        "lang": shown_in if shown_in != language else "",
        "created_at": event.created_at,
    }


def latest_sightings(topic, limit=10):
    """The latest published sightings on a topic, newest first, one per sighting, among its
    newest LIVE_FEED_SCAN sighting events (which the log keeps: live.retention)."""
    items, seen = [], set()
    newest = Event.objects.filter(topic=topic, kind=SIGHTING_PUBLISHED).order_by("-id")
    for event in newest[: conf.feed_scan()]:
        key = event.payload.get("sighting_id", f"event-{event.pk}")
        if key in seen:
            continue
        seen.add(key)
        items.append(event)
        if len(items) == limit:
            break
    return items


def home_feed_context(request, page):
    """The home page's live feed: complete without JavaScript, and the cursor to resume from."""
    language = translation.get_language()
    # The cursor is read first: an event committed in between is sent again, never missed.
    since = latest_id()
    events = latest_sightings("feed", limit=6)
    return {
        "items": [sighting_item(event, language) for event in events],
        "live_topics": "feed",
        "live_since": since,
    }


# Followers -------------------------------------------------------------------------------

FOLLOW_SALT = "live.follow"


def follow_signature(topic, title):
    """Signs what a page offers to follow, so a posted form cannot put its own words in e-mails."""
    return signing.Signer(salt=FOLLOW_SALT).signature(f"{topic}\n{title}")


def follow_signature_is_valid(topic, title, signature):
    """Checked as Signer checks its own signatures, so with SECRET_KEY_FALLBACKS too: a page
    rendered before the key was rotated still posts."""
    value = f"{topic}\n{title}"
    signer = signing.Signer(salt=FOLLOW_SALT)
    try:
        return signer.unsign(f"{value}{signer.sep}{signature or ''}") == value
    except signing.BadSignature:
        return False


def ask_to_follow(email, topic, title, language):
    """Queues a wish to follow; the task records it and e-mails the confirmation, so the
    answer is the same, in the same time, whatever the address's state."""
    if not FOLLOWABLE_TOPIC.match(topic):
        raise ValueError(f"{topic!r} cannot be followed")
    from live.tasks import record_follow_request

    record_follow_request.enqueue(email.strip().lower(), topic, title, language)


@transaction.atomic
def request_follow(email, topic, title, language):
    """Records a wish to follow and sends the confirmation link (double opt-in).

    The same answer whatever the address's state, so the form tells nobody who follows what.
    """
    if not FOLLOWABLE_TOPIC.match(topic):
        raise ValueError(f"{topic!r} cannot be followed")
    follower, created = Follower.objects.select_for_update().get_or_create(
        email=email.strip().lower(),
        topic=topic,
        defaults={"title": title, "language": language},
    )
    if follower.status == Follower.Status.ACTIVE:
        return follower
    recently = timezone.now() - timedelta(minutes=conf.confirmation_resend_minutes())
    if not created and follower.confirmation_sent_at and follower.confirmation_sent_at > recently:
        return follower
    follower.status = Follower.Status.PENDING
    follower.title = title
    follower.language = language
    follower.confirmation_sent_at = timezone.now()
    follower.save()
    from live.tasks import send_follow_confirmation

    transaction.on_commit(lambda: send_follow_confirmation.enqueue(follower.pk), robust=True)
    return follower


def add_confirmed_follower(email, topic, title, language):
    """A follower who consented elsewhere (a sponsor's gift): active at once, no confirmation
    e-mail. Someone who unsubscribed from the topic stays unsubscribed."""
    if not FOLLOWABLE_TOPIC.match(topic):
        raise ValueError(f"{topic!r} cannot be followed")
    follower, created = Follower.objects.get_or_create(
        email=email.strip().lower(),
        topic=topic,
        defaults={
            "title": title,
            "language": language,
            "status": Follower.Status.ACTIVE,
            "confirmed_at": timezone.now(),
        },
    )
    if not created and follower.status == Follower.Status.PENDING:
        follower.status = Follower.Status.ACTIVE
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["status", "confirmed_at"])
    return follower


def confirm_follow(token):
    follower = Follower.objects.filter(token=token).first()
    if follower is None:
        return None
    if follower.status != Follower.Status.ACTIVE:
        follower.status = Follower.Status.ACTIVE
        follower.confirmed_at = timezone.now()
        follower.unsubscribed_at = None
        follower.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return follower


def unsubscribe(token):
    follower = Follower.objects.filter(token=token).first()
    if follower is None:
        return None
    if follower.status != Follower.Status.UNSUBSCRIBED:
        follower.status = Follower.Status.UNSUBSCRIBED
        follower.unsubscribed_at = timezone.now()
        follower.save(update_fields=["status", "unsubscribed_at"])
    return follower


def follower_links(follower):
    with translation.override(follower.language):
        return {
            "confirm_url": absolute_url(reverse("live:follow_confirm", args=[follower.token])),
            "unsubscribe_url": absolute_url(reverse("live:unsubscribe", args=[follower.token])),
        }


def _message(follower, subject, template, context):
    links = follower_links(follower)
    context = {**context, **links, "follower": follower}
    message = mail.EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"live/email/{template}.txt", context),
        to=[follower.email],
        headers={
            # One-click unsubscribe (RFC 8058): mail clients POST to the link.
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"live/email/{template}.html", context), "text/html"
    )
    return message


def send_follow_confirmation(follower):
    with translation.override(follower.language):
        subject = _("Confirm: news of %(title)s") % {"title": follower.title}
        _message(follower, subject, "follow_confirm", {"title": follower.title}).send()


def sighting_message(event, follower):
    """The e-mail about a sighting, in the follower's language, from the event's public texts."""
    with translation.override(follower.language):
        item = sighting_item(event, follower.language)
        item["url"] = absolute_url(item["url"])
        if item["image"]:
            item["image"] = {**item["image"], "url": absolute_url(item["image"]["url"])}
        subject = item["title"] or _("A new sighting")
        return _message(follower, subject, "sighting", {"item": item})


def delivery_subject(event):
    return f"sighting:{event.payload.get('sighting_id', f'event-{event.pk}')}"


def enqueue_follower_emails(event):
    from live.tasks import email_followers

    email_followers.enqueue(event.pk)


def follower_batches(event):
    """The active followers of the event's topic, in batches of ids."""
    ids = list(
        Follower.objects.active()
        .filter(topic=event.topic)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = conf.email_batch_size()
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def email_follower_batch(event, follower_ids, batch=None):
    """E-mails a batch of followers about an event, each at most once per sighting.

    Claims a delivery row per follower first; a second run (or a concurrent one) finds them
    claimed and sends nothing. A failed send releases the unsent claims for a retry. `batch`
    comes with the task's arguments: when a worker dies mid-batch its claims stay unsent, and
    the same task run again (cms.taskqueue.recover_stale_tasks) takes them back.
    Returns the number of e-mails sent.
    """
    if event.kind != SIGHTING_PUBLISHED:  # retracted since it was queued
        return 0
    subject = delivery_subject(event)
    batch = batch or uuid.uuid4()
    followers = Follower.objects.active().filter(pk__in=follower_ids, topic=event.topic)
    Delivery.objects.bulk_create(
        [Delivery(follower=f, event=event, subject=subject, batch=batch) for f in followers],
        ignore_conflicts=True,
    )
    claimed = list(
        Follower.objects.filter(deliveries__batch=batch, deliveries__sent_at__isnull=True).order_by(
            "pk"
        )
    )
    sent = []
    try:
        with mail.get_connection() as mail_connection:
            for follower in claimed:
                message = sighting_message(event, follower)
                message.connection = mail_connection
                message.send()
                sent.append(follower.pk)
    finally:
        Delivery.objects.filter(batch=batch, follower_id__in=sent).update(sent_at=timezone.now())
        Delivery.objects.filter(batch=batch, sent_at__isnull=True).delete()
    return len(sent)
