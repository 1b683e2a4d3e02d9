"""The tourism desk's operations: hold places, confirm by payment, cancel, the waiting list,
group requests, schedules and manifests.

Locking rules (after pretix's): whatever takes or frees places locks the slot row first
(select_for_update; on SQLite the IMMEDIATE transaction serialises writers), then the
bookings, in one transaction. Availability is counted from the booking rows under that lock:
confirmed bookings and holds that have not expired. No counter, so nothing can drift.
"""

import csv
import datetime
import functools
import io
import logging
import math
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import log as log_action

import live
import payments
from payments.money import format_amount
from tourism import conf, metrics
from tourism.models import Booking, GroupRequest, Slot, TourPage, WaitingListEntry
from tourism.models.bookings import PARTY_CATEGORIES
from tourism.models.pages import tour_topic
from tourism.models.slots import taking_places
from tourism.prepared import Placeholder, PreparedQuery

logger = logging.getLogger(__name__)

PURPOSE = "booking"
# Minor units (kopecks): from one rouble to a large group's visit.
PAYMENT_LIMITS = {"RUB": (100, 100_000_000)}
WAITING_LIST_SALT = "tourism.waiting-list"
MANAGE_SALT = "tourism.booking.manage"
MAX_PER_CATEGORY = 50
# A hold this close to the full hold duration is as long as the checkout (payments pads the
# checkout's expiry by 5 s): it is not extended when its holder starts paying.
FRESH_HOLD_SLACK = datetime.timedelta(seconds=5)


class BookingError(Exception):
    """A booking that cannot be made or changed. `message` is shown to the visitor."""

    def __init__(self, code, message, status=409, remaining=None, retry_after=None):
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status
        self.remaining = remaining  # places left, when the refusal is for want of places
        self.retry_after = retry_after  # seconds, when trying again later can succeed


PAYMENT_UNAVAILABLE = _("Online payment is not available at the moment. Please try again later.")

SLOT_PROBLEMS = {
    "cancelled": _("This tour date has been cancelled."),
    "closed": _("This tour date is closed for booking."),
    "past": _("This tour date has already started or is over."),
    "not_open": _("Booking for this tour date has not opened yet."),
    "too_late": _("Online booking for this tour date has closed."),
}


def slot_problem(slot, now=None):
    state = slot.bookable_state(now)
    if state:
        raise BookingError(state, SLOT_PROBLEMS[state])


@dataclass(frozen=True)
class Party:
    adults: int = 0
    children: int = 0
    pupils: int = 0
    infants: int = 0

    @property
    def size(self):
        return self.adults + self.children + self.pupils + self.infants

    def as_fields(self):
        return {category: getattr(self, category) for category in PARTY_CATEGORIES}

    def price_minor(self, slot):
        return sum(getattr(self, c) * slot.price_minor(c) for c in PARTY_CATEGORIES)


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    language: str
    phone: str = ""


# --- Availability ----------------------------------------------------------------------------


def places_taken(slot, now=None):
    return Booking.objects.filter(taking_places(now or timezone.now()), slot=slot).aggregate(
        total=Coalesce(Sum("places"), 0)
    )["total"]


def _taken_subquery(now):
    """Places taken on the outer query's slot, as a subquery (no GROUP BY over the slot)."""
    taken = (
        Booking.objects.filter(taking_places(now), slot=OuterRef("pk"))
        .order_by()
        .values("slot")
        .annotate(total=Sum("places"))
        .values("total")
    )
    return Coalesce(Subquery(taken), 0)


def _slot_read_query(slot_id, submission_key, now):
    return (
        Slot.objects.select_related("tour")
        .only(*_booking_fields())
        .annotate(
            taken=_taken_subquery(now),
            submitted=Exists(Booking.objects.filter(submission_key=submission_key)),
        )
        .filter(pk=slot_id)
        .order_by()
    )


_SLOT_ID = Placeholder(2_000_000_011, Slot._meta.pk)

# Compiled once (tourism.prepared): in a booking rush this read is what most attempts cost,
# and the lock below is held by one attempt at a time.
_SLOT_READ = PreparedQuery(
    _slot_read_query,
    slot_id=_SLOT_ID,
    submission_key=Placeholder(
        uuid.UUID("5107f0b0-0000-4000-8000-00000000b00c"),
        Booking._meta.get_field("submission_key"),
    ),
    now=Placeholder(
        datetime.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=datetime.UTC),
        Booking._meta.get_field("hold_expires_at"),
    ),
)
_SLOT_LOCK = PreparedQuery(
    lambda slot_id: Slot.objects.select_for_update(of=("self",)).only("pk").filter(pk=slot_id),
    slot_id=_SLOT_ID,
)


def _read_slot(slot_id, submission_key=None, now=None):
    """The slot with `taken` and `submitted` (below), whether its tour is live or not."""
    return _SLOT_READ.first(
        slot_id=slot_id,
        # Without a key, one that no booking has: the query's SQL stays the same.
        submission_key=submission_key or uuid.uuid4(),
        now=now or timezone.now(),
    )


def slot_for_booking(slot_id, submission_key=None, now=None):
    """The slot a booking form is sent to, with what its pages show of the tour, in one query.

    Annotated with `taken` (places taken now) and `submitted` (this form's submission has
    already made a booking). One statement reads one snapshot: if a twin submission took the
    last place, the same read that finds the date full also finds the twin's booking.
    Raises Slot.DoesNotExist for an unknown date or a tour that is not live.
    """
    slot = _read_slot(slot_id, submission_key, now)
    if slot is None or not slot.tour.live:
        raise Slot.DoesNotExist(f"no bookable tour date {slot_id}")
    return slot


@functools.cache
def _booking_fields():
    """The slot and what the booking pages and form read of its tour. A tour page row has
    ~90 columns (every field in three languages); selecting them all made the refusal's one
    query cost more than the rest of the request. Any other field still loads when read."""
    tour_fields = [
        f"tour__{field.name}"
        for field in TourPage._meta.concrete_fields
        if field.name.startswith(("title", "url_path", "meeting_point"))
    ]
    slot_fields = [field.name for field in Slot._meta.concrete_fields]
    return (
        *slot_fields,
        *tour_fields,
        "tour__live",
        "tour__minimum_age",
        "tour__duration_minutes",
    )


def refused_at_once(slot, now=None):
    """Whether a booking attempt on `slot` (from slot_for_booking) is refused as fully booked
    without queueing for the slot's lock: the date is bookable, no place is left, and this
    submission has made no booking. A refusal is never wrong: places only come free later.
    """
    return not slot.submitted and slot.remaining <= 0 and slot.bookable_state(now) is None


def _lock_slot(slot_id, *, lean=False):
    """The slot row, locked until the transaction ends: the one gate to its places.

    `lean`: with only what the booking pages read of the tour (_booking_fields), for the
    booking path, where the whole tour page row (~90 columns) was a third of the lock's cost.
    """
    slots = Slot.objects.select_for_update(of=("self",)).select_related("tour")
    if lean:
        slots = slots.only(*_booking_fields())
    return slots.get(pk=slot_id)


def availability_label(remaining, bookable=True):
    if not bookable:
        return str(_("Not bookable"))
    if remaining <= 0:
        return str(_("Fully booked"))
    return ngettext("%(count)d place left", "%(count)d places left", remaining) % {
        "count": remaining
    }


def publish_availability(slot, now=None, *, taken=None):
    """Tells open tour pages how many places are left (stored now, sent after commit).

    Published on the tour's topic, not the date's: a page follows its tour once, however many
    dates it lists (a socket may follow only a few topics).

    `taken` may be given by a caller that has just counted it under the slot's lock.
    """
    now = now or timezone.now()
    if taken is None:
        taken = places_taken(slot, now)
    remaining = max(slot.capacity - taken, 0)
    bookable = slot.bookable_state(now) is None
    localized = {}
    for code in ("ru", "en", "zh-hans"):
        with translation.override(code):
            localized[code] = {"label": availability_label(remaining, bookable)}
    live.publish(
        tour_topic(slot.tour_id),
        "slot.availability",
        {
            "slot": slot.pk,
            "remaining": remaining,
            "capacity": slot.capacity,
            "bookable": bookable,
        },
        localized=localized,
    )


def next_slots_by_tour(tours, now=None):
    """The next bookable-looking date of each tour, with `taken`: one query for all tours."""
    now = now or timezone.now()
    slots = (
        Slot.objects.filter(tour__in=tours, starts_at__gt=now, status=Slot.Status.OPEN)
        .with_taken(now)
        .order_by("tour_id", "starts_at")
    )
    first = {}
    for slot in slots:
        first.setdefault(slot.tour_id, slot)
    return first


# --- Holding places --------------------------------------------------------------------------


def validate_party(slot, party, *, group=False):
    for category in PARTY_CATEGORIES:
        value = getattr(party, category)
        if not isinstance(value, int) or value < 0 or value > MAX_PER_CATEGORY:
            raise BookingError("party", _("Please give a number of people for each ticket."), 400)
    if party.size == 0:
        raise BookingError("party_empty", _("Choose at least one person."), 400)
    if group:
        return
    if party.size < slot.min_party:
        raise BookingError(
            "party_small",
            _("This tour date takes parties of at least %(count)d people.")
            % {"count": slot.min_party},
            400,
        )
    if party.size > slot.max_party:
        raise BookingError(
            "party_large",
            _(
                "Online bookings take at most %(count)d people. "
                "For a larger group, please send a group request."
            )
            % {"count": slot.max_party},
            400,
        )
    if party.adults == 0:
        raise BookingError("no_adult", _("Children and pupils walk with at least one adult."), 400)
    if party.infants and slot.free_under_age <= slot.tour.minimum_age:
        raise BookingError(
            "too_young",
            _("This tour is for ages %(age)d and up.") % {"age": slot.tour.minimum_age},
            400,
        )


def hold_places(slot_id, party, contact, *, submission_key=None, client="", now=None):
    """Holds places for a party while the visitor pays. Returns (booking, created).

    The same submission key (a form sent twice) returns the booking made the first time.
    Raises BookingError, taking nothing, when the slot cannot take this party now. `client`
    (cms.ratelimits.client_digest) is whom the form came from: one client's unpaid holds on
    a date stay within conf.held_places_per_client, or BookingError "client_holds" (429).
    """
    now = now or timezone.now()
    # One read before queueing for the lock: the twin submission's booking, and a date already
    # full, which is refused at once (in a rush, most attempts end here). Places only come
    # free later (expiry, cancelling), so a refusal is never wrong.
    answer = _answer_before_lock(slot_id, party, submission_key, now)
    if answer is not None:
        return answer
    with _queue_for_lock(slot_id) as waited:
        if waited:  # places may have gone while this attempt queued
            answer = _answer_before_lock(slot_id, party, submission_key, now)
            if answer is not None:
                return answer
        return _hold_under_lock(slot_id, party, contact, submission_key, client, now)


def _answer_before_lock(slot_id, party, submission_key, now):
    """(booking, False) for a twin submission; raises BookingError for a date already full;
    None when the attempt must go on to the lock."""
    seen = _read_slot(slot_id, submission_key, now)
    if seen is None:
        return None  # not open to visitors: the locked read says why
    if seen.submitted:
        return Booking.objects.get(submission_key=submission_key), False
    if seen.capacity - seen.taken < max(party.size, 1):
        raise _full(seen.capacity - seen.taken)
    return None


# One attempt per process at a time queues for a date's row lock (dates striped over the
# locks). In a rush, attempts that queued on the row lock held it in turn only to find the date
# full, each a few round trips while hundreds of threads shared the process's GIL; queued here
# instead, they read again when their turn comes and most are refused without the row lock.
# The row lock is still what keeps the count right, across processes.
_LOCK_QUEUES = [threading.Lock() for _ in range(64)]


@contextmanager
def _queue_for_lock(slot_id):
    """Yields whether the attempt had to wait. Inside an outer transaction (which may already
    hold the row lock) the queue is skipped: waiting here then could deadlock."""
    if transaction.get_connection().in_atomic_block:
        yield False
        return
    queue = _LOCK_QUEUES[slot_id % len(_LOCK_QUEUES)]
    waited = not queue.acquire(blocking=False)
    if waited:
        queue.acquire()
    try:
        yield waited
    finally:
        queue.release()


def _hold_under_lock(slot_id, party, contact, submission_key, client, now):
    with transaction.atomic():
        if _SLOT_LOCK.first(slot_id=slot_id) is None:
            raise Slot.DoesNotExist(f"no tour date {slot_id}")
        # Counted by a statement of its own once the lock is granted, so that it sees every
        # booking committed while this attempt waited (one statement reads one snapshot).
        slot = _read_slot(slot_id, submission_key, now)
        if slot.submitted:  # a twin submission committed while this one waited
            return Booking.objects.get(submission_key=submission_key), False
        slot_problem(slot, now)
        validate_party(slot, party)
        taken = slot.taken
        remaining = slot.capacity - taken
        if party.size > remaining:
            raise _full(remaining)
        amount = party.price_minor(slot)
        if client and amount:
            _within_client_share(slot, party, client, now)
        booking = Booking.objects.create(
            slot=slot,
            submission_key=submission_key,
            places=party.size,
            amount_minor=amount,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            language=contact.language,
            consent_at=now,
            hold_expires_at=now + conf.hold_duration() if amount else None,
            held_by=client,
            **party.as_fields(),
        )
        if amount == 0:
            _confirm(booking, now)
        else:
            metrics.count_on_commit(metrics.HELD, booking)
        publish_availability(slot, now, taken=taken + party.size)
    return booking, True


def _within_client_share(slot, party, client, now):
    """Refuses a hold that would give one client more of the date's places in unpaid holds
    than conf.held_places_per_client: counted from the rows, under the slot's lock, so it holds
    across processes. The visitor may try again when their first hold on the date ends."""
    limit = conf.held_places_per_client(slot)
    if limit is None:
        return
    held = Booking.objects.filter(
        slot=slot, status=Booking.Status.HELD, hold_expires_at__gt=now, held_by=client
    ).aggregate(places=Coalesce(Sum("places"), 0), first_ends=Min("hold_expires_at"))
    if held["places"] + party.size <= limit:
        return
    first_ends = held["first_ends"] or now + conf.hold_duration()
    raise BookingError(
        "client_holds",
        _(
            "Your connection already holds as many places on this tour date as one visitor "
            "may hold at once. Pay for them, or release them, from the link in your booking. "
            "Nothing was reserved this time."
        ),
        status=429,
        retry_after=max(1, math.ceil((first_ends - now).total_seconds())),
    )


def _full(remaining):
    if remaining <= 0:
        return BookingError("full", _("Sorry, this tour date is fully booked."), remaining=0)
    return BookingError(
        "not_enough",
        ngettext(
            "Sorry, only %(count)d place is left on this tour date.",
            "Sorry, only %(count)d places are left on this tour date.",
            remaining,
        )
        % {"count": remaining},
        remaining=remaining,
    )


def booking_description(booking):
    local = timezone.localtime(booking.slot.starts_at)
    with translation.override(booking.language):
        return "{tour}, {date} · {ref}".format(
            tour=booking.slot.tour.title, date=f"{local:%Y-%m-%d %H:%M}", ref=booking.reference
        )


def start_payment(booking, *, success_url, cancel_url, now=None):
    """Opens the checkout for a held booking; returns the URL to send the visitor to.

    A hold with less than the checkout's 30 minutes left (a waiting-list offer) is extended to
    30 minutes when its holder starts paying: Stripe Checkout cannot expire sooner. A hold
    made a moment ago needs no extension (payments pads the checkout by seconds), so nothing
    is written and the slot is not locked a second time: in a rush every held place went
    through the slot's lock twice.
    """
    now = now or timezone.now()
    minimum = now + conf.hold_duration()
    booking.refresh_from_db(fields=["status", "hold_expires_at", "payment"])
    if booking.status != Booking.Status.HELD or booking.hold_expires_at <= now:
        raise BookingError("not_held", _("These places are no longer held for you."))
    if booking.hold_expires_at < minimum - FRESH_HOLD_SLACK:
        with transaction.atomic():
            slot = _lock_slot(booking.slot_id, lean=True)
            booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
            booking.slot = slot
            if booking.status != Booking.Status.HELD or booking.hold_expires_at <= now:
                raise BookingError("not_held", _("These places are no longer held for you."))
            if booking.hold_expires_at < minimum:
                booking.hold_expires_at = minimum
                Booking.objects.filter(pk=booking.pk).update(
                    hold_expires_at=minimum, updated_at=now
                )
    try:
        start = payments.start_checkout(
            PURPOSE,
            booking,
            booking.amount_minor,
            booking.currency,
            description=booking_description(booking),
            customer_email=booking.email,
            language=booking.language,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=booking.hold_expires_at,
            idempotency_key=f"tourism-booking-{booking.reference}",
        )
    except payments_errors() as exc:
        logger.warning("checkout for booking %s failed: %s", booking.reference, exc)
        raise BookingError("payment_unavailable", PAYMENT_UNAVAILABLE, 503) from exc
    if booking.payment_id != start.payment.pk:
        Booking.objects.filter(pk=booking.pk).update(payment=start.payment)
    return start.url


def payments_errors():
    from payments.services import CheckoutError, CheckoutUnavailable

    return (CheckoutError, CheckoutUnavailable)


def release_hold(booking, now=None):
    """The visitor gave up paying: the places go back at once (and to the waiting list)."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = _lock_slot(booking.slot_id)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.HELD:
            return booking
        _expire(booking, now)
        offer_freed_places(slot, now)
        publish_availability(slot, now)
    return booking


# --- Payment outcomes ------------------------------------------------------------------------


def on_booking_payment(payment, outcome):
    """payments' handler for "booking", inside the webhook's transaction."""
    booking_ref = Booking.objects.filter(pk=payment.object_id).values("slot_id").first()
    if booking_ref is None:
        logger.error("payment %s names no booking (%s)", payment.reference, payment.object_id)
        return
    now = timezone.now()
    slot = _lock_slot(booking_ref["slot_id"])
    booking = Booking.objects.select_for_update().get(pk=payment.object_id)
    if outcome.kind == payments.PAID:
        _on_paid(slot, booking, payment, now)
    elif outcome.kind in (payments.EXPIRED, payments.FAILED):
        if booking.status == Booking.Status.HELD:
            _expire(booking, now)
            offer_freed_places(slot, now)
            publish_availability(slot, now)
    elif outcome.kind == payments.REFUNDED:
        _on_refunded(slot, booking, outcome, now)
    elif outcome.kind == payments.REFUND_FAILED:
        # What stands refunded of the charge: a failed refund lowers it again.
        Booking.objects.filter(pk=booking.pk).update(
            refunded_minor=min(outcome.refunded_total_minor, booking.amount_minor)
        )


def _on_refunded(slot, booking, outcome, now):
    """A refund of a booking's payment, made here or in Stripe's dashboard.

    A booking still confirmed when its payment is refunded in full before the tour starts is
    cancelled: its places go back (to the waiting list first) and the visitor is told. A
    partial refund, or one after the start, keeps the booking and its places (a goodwill
    gesture, a price corrected); the visitor is told what came back. A booking already cancelled (by the visitor, the desk or
    with its date) was told by its cancellation e-mail. Payments calls this once per refund.
    """
    refunded = min(outcome.refunded_total_minor, booking.amount_minor)
    Booking.objects.filter(pk=booking.pk).update(refunded_minor=refunded)
    booking.refunded_minor = refunded
    if booking.status != Booking.Status.CONFIRMED:
        return
    # After the start the visit happened (or not): a refund then is money back, not places.
    if refunded >= booking.amount_minor and slot.starts_at > now:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        log_action(booking, "tourism.refund_cancelled", data={"refunded": refunded})
        offer_freed_places(slot, now)
        publish_availability(slot, now)
        _after_commit_email("send_refund_cancelled", booking)
    else:
        log_action(booking, "tourism.partial_refund", data={"refunded": outcome.amount_minor})
        amount = outcome.amount_minor
        from tourism import tasks

        transaction.on_commit(lambda: tasks.send_partial_refund.enqueue(booking.pk, amount))


def _on_paid(slot, booking, payment, now):
    if booking.status == Booking.Status.CONFIRMED:
        return
    if booking.payment_id != payment.pk:
        booking.payment = payment
    held = booking.status == Booking.Status.HELD and booking.hold_expires_at > now
    if held:
        _confirm(booking, now)
        publish_availability(slot, now)
        return
    # Paid after the hold ran out (or after it was released): the places may still be free.
    room = slot.capacity - places_taken(slot, now) >= booking.places
    if room and slot.status != Slot.Status.CANCELLED and slot.starts_at > now:
        logger.info("booking %s paid after its hold expired; places remain", booking.reference)
        _confirm(booking, now)
        publish_availability(slot, now)
        return
    logger.warning("booking %s paid too late: no places; refunding", booking.reference)
    booking.status = Booking.Status.REFUSED
    booking.hold_expires_at = None
    booking.save()
    payments.refund(
        payment,
        None,
        reason="requested_by_customer",
        note=f"Tour booking {booking.reference}: paid after its hold expired, no places left",
    )
    _after_commit_email("send_late_payment_refunded", booking)


def _confirm(booking, now):
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = now
    booking.hold_expires_at = None
    booking.save()
    metrics.count_on_commit(metrics.CONFIRMED, booking)
    WaitingListEntry.objects.filter(offer=booking).update(status=WaitingListEntry.Status.BOOKED)
    _after_commit_email("send_confirmation", booking)


def _expire(booking, now):
    booking.status = Booking.Status.EXPIRED
    booking.save(update_fields=["status", "updated_at"])
    WaitingListEntry.objects.filter(offer=booking).update(status=WaitingListEntry.Status.LAPSED)


def _after_commit_email(name, booking):
    from tourism import tasks

    task = getattr(tasks, name)
    transaction.on_commit(lambda: task.enqueue(booking.pk))


# --- Cancelling ------------------------------------------------------------------------------


def refund_percent(starts_at, now):
    hours_before = (starts_at - now).total_seconds() / 3600
    for hours, percent in conf.refund_policy():
        if hours_before >= hours:
            return percent
    return 0


def refund_for_cancellation(booking, now=None):
    """What cancelling now would give back, in minor units."""
    now = now or timezone.now()
    if booking.payment_id is None:
        return 0
    percent = refund_percent(booking.slot.starts_at, now)
    return max(booking.amount_minor * percent // 100 - booking.refunded_minor, 0)


@dataclass(frozen=True)
class Cancellation:
    booking: Booking
    refunded_minor: int
    already: bool = False


def cancel_booking(booking, *, now=None):
    """The visitor cancels through their link; refunded under the policy. Safe to repeat."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = _lock_slot(booking.slot_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=booking.pk)
        )
        booking.slot = slot
        if booking.status == Booking.Status.CANCELLED:
            return Cancellation(booking, 0, already=True)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError("not_confirmed", _("Only a confirmed booking can be cancelled."))
        if slot.starts_at <= now:
            raise BookingError("past", _("This tour has already started; it cannot be cancelled."))
        amount = refund_for_cancellation(booking, now)
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save()
        if amount:
            _refund(booking, amount, f"Tour booking {booking.reference} cancelled by the visitor")
        offer_freed_places(slot, now)
        publish_availability(slot, now)
        _after_commit_email("send_cancellation", booking)
    booking.refresh_from_db()
    return Cancellation(booking, amount)


def cancel_booking_by_staff(booking, *, refund_minor=None, reason="", by_user=None, now=None):
    """The desk cancels a booking and refunds it: under the policy (refund_minor None) or
    another amount, which needs a reason. The places go back, the visitor is told in their
    language, and the booking's history records who, when and why. Safe to repeat.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        slot = _lock_slot(booking.slot_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=booking.pk)
        )
        booking.slot = slot
        if booking.status == Booking.Status.CANCELLED:
            return Cancellation(booking, 0, already=True)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError("not_confirmed", _("Only a confirmed booking can be cancelled."))
        policy = refund_for_cancellation(booking, now)
        refundable = refundable_for(booking)
        if refund_minor is None:
            refund_minor = policy
        if not 0 <= refund_minor <= refundable:
            raise BookingError(
                "refund_too_much",
                _("At most %(amount)s can be refunded for this booking.")
                % {"amount": format_amount(refundable, booking.currency)},
                400,
            )
        if refund_minor != policy and not reason:
            raise BookingError(
                "reason_needed",
                _("A refund other than the policy's %(amount)s needs a reason.")
                % {"amount": format_amount(policy, booking.currency)},
                400,
            )
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save()
        if refund_minor:
            _refund(
                booking,
                refund_minor,
                f"Tour booking {booking.reference} cancelled by the desk: {reason}"[:500],
                by_user,
            )
        log_action(
            booking,
            "tourism.cancel_booking",
            user=by_user,
            data={"reason": reason, "refunded": refund_minor, "policy": policy},
        )
        offer_freed_places(slot, now)
        publish_availability(slot, now)
        from tourism import tasks

        transaction.on_commit(
            lambda: tasks.send_cancelled_by_desk.enqueue(booking.pk, reason, refund_minor)
        )
    booking.refresh_from_db()
    return Cancellation(booking, refund_minor)


def refundable_for(booking):
    """What is left to refund of a booking's payment, in minor units."""
    if booking.payment_id is None or booking.payment is None:
        return 0
    return min(booking.payment.refundable_minor, booking.amount_minor - booking.refunded_minor)


def _refund(booking, amount, note, by_user=None):
    from payments.services import RefundError

    try:
        payments.refund(
            booking.payment, amount, reason="requested_by_customer", note=note, by_user=by_user
        )
    except RefundError as exc:
        logger.exception("refund of booking %s failed", booking.reference)
        raise BookingError(
            "refund_failed",
            _("The refund could not be made just now. Nothing was changed; please try again."),
            503,
        ) from exc


# --- Waiting list ----------------------------------------------------------------------------


def join_waiting_list(slot_id, party, contact, now=None):
    """Puts a party on a full slot's waiting list (once per e-mail address and slot)."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = _lock_slot(slot_id)
        slot_problem(slot, now)
        validate_party(slot, party)
        free = slot.capacity - places_taken(slot, now)
        if free >= party.size:
            # The list is for places that are not there; these can be booked now.
            raise BookingError(
                "places_free",
                _("There are places free on this date for your party: book them instead."),
                409,
                remaining=free,
            )
        entry, created = WaitingListEntry.objects.get_or_create(
            slot=slot,
            email=contact.email.strip().lower(),
            defaults={
                "name": contact.name,
                "phone": contact.phone,
                "language": contact.language,
                "places": party.size,
                **party.as_fields(),
            },
        )
        if not created and entry.status != WaitingListEntry.Status.WAITING:
            # Back on the list after an offer lapsed: at the end of the queue, as a newcomer.
            entry.delete()
            entry = WaitingListEntry.objects.create(
                slot=slot,
                email=contact.email.strip().lower(),
                name=contact.name,
                phone=contact.phone,
                language=contact.language,
                places=party.size,
                **party.as_fields(),
            )
        # Places may have come free meanwhile: offer them at once.
        offer_freed_places(slot, now)
        entry.refresh_from_db()
        if entry.status == WaitingListEntry.Status.WAITING:
            _after_commit_entry_email("send_waiting_list_joined", entry)
    return entry


def _after_commit_entry_email(name, entry):
    from tourism import tasks

    task = getattr(tasks, name)
    transaction.on_commit(lambda: task.enqueue(entry.pk))


def waiting_list_token(entry):
    return signing.Signer(salt=WAITING_LIST_SALT).sign_object(entry.pk)


def waiting_list_entry_for_token(token):
    """The entry a leave link names; BadLink for a tampered or unknown one (or one gone)."""
    try:
        pk = signing.Signer(salt=WAITING_LIST_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise BadLink(token) from None
    entry = WaitingListEntry.objects.select_related("slot__tour").filter(pk=pk).first()
    if entry is None:
        raise BadLink(token)
    return entry


def leave_waiting_list(entry):
    """Takes a waiting party off the list, with its contact details. An entry already offered
    places stays: its offer is a held booking, given back through the booking's own link."""
    with transaction.atomic():
        deleted, _counts = WaitingListEntry.objects.filter(
            pk=entry.pk, status=WaitingListEntry.Status.WAITING
        ).delete()
    return bool(deleted)


def offer_freed_places(slot, now):
    """Holds freed places for the next people on the waiting list who fit, and tells them.

    Call with the slot locked. Each offer is a held booking with a longer, time-limited hold.
    """
    if slot.bookable_state(now) is not None:
        return []
    hold_until = min(now + conf.waiting_list_hold(), slot.booking_closes_at)
    if hold_until - now < conf.hold_duration():
        return []  # too close to the start for anyone to pay in time
    free = slot.capacity - places_taken(slot, now)
    offers = []
    for entry in slot.waiting_list.filter(status=WaitingListEntry.Status.WAITING):
        if free <= 0:
            break
        if entry.places > free:
            continue
        booking = Booking.objects.create(
            slot=slot,
            source=Booking.Source.WAITING_LIST,
            places=entry.places,
            amount_minor=Party(**entry.party()).price_minor(slot),
            name=entry.name,
            email=entry.email,
            phone=entry.phone,
            language=entry.language,
            consent_at=entry.created_at,
            hold_expires_at=hold_until,
            **entry.party(),
        )
        entry.status = WaitingListEntry.Status.OFFERED
        entry.offer = booking
        entry.save(update_fields=["status", "offer"])
        metrics.count_on_commit(metrics.HELD, booking)
        free -= entry.places
        offers.append(booking)
        _after_commit_email("send_waiting_list_offer", booking)
    return offers


# --- The sweeper -----------------------------------------------------------------------------


def expire_holds(now=None):
    """Marks lapsed holds expired, closes their checkouts and hands the places on.

    Availability never waits for this (an expired hold stops counting at once); it exists for
    the waiting list and for Stripe sessions that should stop taking money. The scheduler runs
    it every minute (`manage.py run_scheduler`; by hand: `manage.py tourism_sweep`).
    """
    now = now or timezone.now()
    slot_ids = set(
        Booking.objects.filter(status=Booking.Status.HELD, hold_expires_at__lte=now).values_list(
            "slot_id", flat=True
        )
    )
    expired = 0
    for slot_id in sorted(slot_ids):
        with transaction.atomic():
            slot = _lock_slot(slot_id)
            lapsed = list(
                Booking.objects.select_for_update(of=("self",))
                .select_related("payment")
                .filter(slot=slot, status=Booking.Status.HELD, hold_expires_at__lte=now)
            )
            for booking in lapsed:
                _expire(booking, now)
                if booking.payment:
                    transaction.on_commit(_closer(booking.payment), robust=True)
            expired += len(lapsed)
            offer_freed_places(slot, now)
            publish_availability(slot, now)
    closed = WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.WAITING, slot__starts_at__lte=now
    ).update(status=WaitingListEntry.Status.CLOSED)
    return {"expired_holds": expired, "closed_waiting": closed}


def forget_past_visitors(now=None):
    """Blanks visitors' names and contacts as the consent promises (run daily by the scheduler).

    Bookings a year after the tour (TOURISM_KEEP_PERSONAL_DATA_DAYS), with the payer's e-mail
    on their payments; group requests a year after their booking's tour, or after they came
    in when they never became one; waiting-list entries once the tour has started. References,
    parties, amounts, refunds and statuses stay, so the desk's figures and every payment and
    refund still agree with their booking.
    """
    now = now or timezone.now()
    cutoff = now - conf.keep_personal_data()
    bookings = Booking.objects.filter(slot__starts_at__lt=cutoff).exclude(email="")
    payment_ids = list(bookings.exclude(payment=None).values_list("payment_id", flat=True))
    forgotten = bookings.update(name="—", email="", phone="", held_by="")
    payments.forget_customers(payment_ids)
    groups = (
        GroupRequest.objects.filter(
            Q(booking__slot__starts_at__lt=cutoff) | Q(booking=None, created_at__lt=cutoff)
        )
        .exclude(email="")
        .update(contact_name="—", email="", phone="", notes="")
    )
    waiting = WaitingListEntry.objects.filter(slot__starts_at__lt=now).delete()[0]
    return {"bookings": forgotten, "groups": groups, "waiting": waiting}


def _closer(payment):
    def close():
        payments.cancel_checkout(payment)

    return close


# --- Group visits ----------------------------------------------------------------------------


def request_group_visit(
    *,
    organisation,
    contact_name,
    email,
    group_size,
    visit_language,
    contact_language,
    preferred_dates,
    accompanying_adults=1,
    age_from=None,
    age_to=None,
    phone="",
    notes="",
    tour=None,
    source_reference=None,
):
    """A pending group visit for the desk to approve (schools: education's class visits).

    Nothing is reserved until staff approve it on a date. The same `source_reference` asked
    twice returns the first request. Returns (group_request, created).
    """
    if source_reference:
        existing = GroupRequest.objects.filter(source_reference=source_reference).first()
        if existing:
            return existing, False
    dates = sorted({d.isoformat() if hasattr(d, "isoformat") else str(d) for d in preferred_dates})
    request = GroupRequest.objects.create(
        organisation=organisation,
        contact_name=contact_name,
        email=email,
        phone=phone,
        group_size=group_size,
        accompanying_adults=accompanying_adults,
        age_from=age_from,
        age_to=age_to,
        visit_language=visit_language,
        contact_language=contact_language,
        preferred_dates=dates,
        notes=notes,
        tour=tour,
        source_reference=source_reference,
    )
    from tourism import tasks

    transaction.on_commit(lambda: tasks.send_group_request_to_desk.enqueue(request.pk))
    return request, True


def approve_group_request(group_request, slot, *, by_user=None, now=None):
    """Reserves the group's places on `slot` (capacity permitting) and tells the contact.

    The booking window and the online party limit do not apply to the desk; the capacity
    does. The group pays on the day or by invoice, so the booking is confirmed at once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        slot = _lock_slot(slot.pk)
        group_request = GroupRequest.objects.select_for_update().get(pk=group_request.pk)
        if group_request.status == GroupRequest.Status.APPROVED:
            return group_request.booking
        if group_request.status != GroupRequest.Status.PENDING:
            raise BookingError("decided", _("This request has already been decided."))
        if slot.status == Slot.Status.CANCELLED or slot.starts_at <= now:
            raise BookingError(slot.bookable_state(now), SLOT_PROBLEMS[slot.bookable_state(now)])
        party = Party(adults=group_request.accompanying_adults, pupils=group_request.group_size)
        remaining = slot.capacity - places_taken(slot, now)
        if party.size > remaining:
            raise _full(remaining)
        booking = Booking.objects.create(
            slot=slot,
            source=Booking.Source.GROUP,
            places=party.size,
            amount_minor=party.price_minor(slot),
            name=f"{group_request.organisation} ({group_request.contact_name})"[:120],
            email=group_request.email,
            phone=group_request.phone,
            language=group_request.contact_language,
            consent_at=group_request.created_at,
            status=Booking.Status.CONFIRMED,
            confirmed_at=now,
            **party.as_fields(),
        )
        metrics.count_on_commit(metrics.CONFIRMED, booking)
        group_request.status = GroupRequest.Status.APPROVED
        group_request.booking = booking
        group_request.decided_by = by_user
        group_request.decided_at = now
        group_request.save()
        publish_availability(slot, now)
        _after_commit_email("send_group_approved", booking)
    return booking


def decline_group_request(group_request, *, reason="", by_user=None, now=None):
    with transaction.atomic():
        group_request = GroupRequest.objects.select_for_update().get(pk=group_request.pk)
        if group_request.status == GroupRequest.Status.DECLINED:
            return group_request
        if group_request.status != GroupRequest.Status.PENDING:
            raise BookingError("decided", _("This request has already been decided."))
        group_request.status = GroupRequest.Status.DECLINED
        group_request.decline_reason = reason
        group_request.decided_by = by_user
        group_request.decided_at = now or timezone.now()
        group_request.save()
        from tourism import tasks

        transaction.on_commit(lambda: tasks.send_group_declined.enqueue(group_request.pk))
    return group_request


# --- Slots for staff -------------------------------------------------------------------------


def create_slots_from_schedule(
    tour, *, first_day, last_day, weekdays, times, now=None, **slot_fields
):
    """Dates for every chosen weekday (0 = Monday) and start time in a season, in park time.

    A date that exists already, or whose start has passed, is left alone, so a schedule can
    be applied again. Returns (created, skipped).
    """
    now = now or timezone.now()
    if last_day < first_day:
        raise ValueError("the season ends before it starts")
    zone = timezone.get_current_timezone()
    created = skipped = 0
    day = first_day
    with transaction.atomic():
        while day <= last_day:
            if day.weekday() in weekdays:
                for start in sorted(times):
                    starts_at = datetime.datetime.combine(day, start, tzinfo=zone)
                    if starts_at <= now:
                        skipped += 1  # a date in the past would be open for nobody
                        continue
                    _slot, made = Slot.objects.get_or_create(
                        tour=tour, starts_at=starts_at, defaults=slot_fields
                    )
                    created += made
                    skipped += not made
            day += datetime.timedelta(days=1)
    return created, skipped


def close_slot(slot, *, reopen=False):
    with transaction.atomic():
        slot = _lock_slot(slot.pk)
        if slot.status == Slot.Status.CANCELLED:
            raise BookingError("cancelled", SLOT_PROBLEMS["cancelled"])
        slot.status = Slot.Status.OPEN if reopen else Slot.Status.CLOSED
        slot.save(update_fields=["status"])
        publish_availability(slot)
    return slot


def lock_slot_for_change(slot_id, *, capacity):
    """Call inside the transaction that saves staff's edit of a date: locks the date and
    refuses a capacity below the places taken (confirmed and held). Returns the date as it
    was before the edit."""
    slot = _lock_slot(slot_id)
    taken = places_taken(slot)
    if capacity < taken:
        raise BookingError(
            "below_taken",
            _(
                "%(taken)d places are already taken on this date: the capacity cannot be "
                "lower than that (you entered %(capacity)d). Cancel bookings first, or "
                "cancel the date."
            )
            % {"taken": taken, "capacity": capacity},
            400,
        )
    return slot


def slot_changed(slot, before, *, by_user=None, now=None):
    """After staff's edit of a date is saved: a moved start time is logged and every booker
    (group contacts included), everyone holding places and everyone on the waiting list is told
    in their language; the pages learn the places left."""
    now = now or timezone.now()
    if slot.starts_at != before.starts_at:
        log_action(
            slot,
            "tourism.move_slot",
            user=by_user,
            data={
                "from": timezone.localtime(before.starts_at).isoformat(),
                "to": timezone.localtime(slot.starts_at).isoformat(),
            },
        )
        from tourism import tasks

        old = before.starts_at.isoformat()
        # Holders are told too: they are about to pay for a time they did not choose.
        sends = {
            Booking.Status.CONFIRMED: tasks.send_slot_moved,
            Booking.Status.HELD: tasks.send_hold_moved,
        }
        for pk, status in Booking.objects.filter(slot=slot, status__in=sends).values_list(
            "pk", "status"
        ):
            transaction.on_commit(functools.partial(sends[status].enqueue, pk, old))
        for pk in slot.waiting_list.filter(status=WaitingListEntry.Status.WAITING).values_list(
            "pk", flat=True
        ):
            transaction.on_commit(functools.partial(tasks.send_waiting_list_moved.enqueue, pk, old))
    publish_availability(slot, now)


def cancel_slot(slot, *, reason="", by_user=None, now=None):
    """The park cancels a date: every booking is cancelled and refunded in full; every
    booker, holder and waiting party told in their language; open checkouts are closed (a
    payment that still arrives is refunded).
    """
    now = now or timezone.now()
    with transaction.atomic():
        slot = _lock_slot(slot.pk)
        if slot.status == Slot.Status.CANCELLED:
            return slot, []
        slot.status = Slot.Status.CANCELLED
        slot.cancellation_reason = reason
        slot.save(update_fields=["status", "cancellation_reason"])
        log_action(slot, "tourism.cancel_slot", user=by_user, data={"reason": reason})
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .select_related("payment")
            .filter(slot=slot, status__in=[Booking.Status.HELD, Booking.Status.CONFIRMED])
            .order_by("pk")
        )
        for booking in bookings:
            booking.slot = slot
            was_confirmed = booking.status == Booking.Status.CONFIRMED
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = now
            booking.save()
            if was_confirmed:
                if booking.payment and booking.payment.refundable_minor:
                    _refund(
                        booking,
                        booking.amount_minor - booking.refunded_minor,
                        f"Tour date cancelled by the park: {reason}"[:500],
                        by_user,
                    )
                _after_commit_email("send_slot_cancelled", booking)
            else:
                # Mid-payment (or holding a waiting-list offer): told that nothing is owed.
                if booking.payment:
                    transaction.on_commit(_closer(booking.payment), robust=True)
                _after_commit_email("send_hold_cancelled", booking)
        waiting = slot.waiting_list.filter(
            status__in=[WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED]
        )
        # An offered entry's holder is told through its held booking above.
        for entry in waiting.filter(status=WaitingListEntry.Status.WAITING):
            _after_commit_entry_email("send_waiting_list_cancelled", entry)
        waiting.update(status=WaitingListEntry.Status.CLOSED)
        publish_availability(slot, now)
    return slot, bookings


def set_checked_in(booking, *, checked_in=True, by_user=None, now=None):
    booking, _already = _check_in(booking.pk, checked_in=checked_in, by_user=by_user, now=now)
    return booking


def _check_in(booking_id, *, checked_in=True, by_user=None, now=None, slot_id=None):
    """(booking, already): records a check-in once, under the booking's row lock."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__tour")
            .get(pk=booking_id)
        )
        if slot_id is not None and booking.slot_id != slot_id:
            local = timezone.localtime(booking.slot.starts_at)
            raise BookingError(
                "other_date",
                _("Booking %(reference)s is for another tour date: %(date)s.")
                % {"reference": booking.reference, "date": f"{local:%Y-%m-%d %H:%M}"},
                400,
            )
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError(
                "not_confirmed",
                _(
                    "Booking %(reference)s is %(status)s: only a confirmed booking can be "
                    "checked in."
                )
                % {"reference": booking.reference, "status": booking.get_status_display()},
            )
        if checked_in and booking.checked_in_at is not None:
            return booking, True
        if not checked_in and booking.checked_in_at is None:
            return booking, False
        if checked_in:
            booking.checked_in_at = now or timezone.now()
            booking.checked_in_by = by_user
        else:
            booking.checked_in_at = None
            booking.checked_in_by = None
        booking.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        log_action(
            booking,
            "tourism.check_in" if checked_in else "tourism.undo_check_in",
            user=by_user,
        )
    return booking, False


CHECK_IN_SALT = "tourism.booking.check-in"


def check_in_code(booking):
    """What the ticket's QR code holds: the reference, signed (a code cannot be made up), and
    unlike the manage link, no use to anyone but the desk."""
    return signing.Signer(salt=CHECK_IN_SALT).sign(booking.reference)


def check_in_by_code(slot, code, *, by_user=None, now=None):
    """Checks in the booking a scanned ticket names, on `slot`'s manifest.

    Returns (booking, already): `already` when it was checked in before (the desk says when).
    Raises BookingError (400) for a code that is not a ticket or names another date.
    """
    code = (code or "").strip()
    try:
        reference = signing.Signer(salt=CHECK_IN_SALT).unsign(code)
    except signing.BadSignature:
        reference = None
    booking = Booking.objects.filter(reference=reference).only("pk").first() if reference else None
    if booking is None:
        raise BookingError("bad_code", _("This is not a ticket of ours."), 400)
    return _check_in(booking.pk, by_user=by_user, now=now, slot_id=slot.pk)


# --- Manifests -------------------------------------------------------------------------------


def manifest(slot):
    """Who walks on a date: confirmed bookings, by name."""
    return list(
        Booking.objects.filter(slot=slot, status=Booking.Status.CONFIRMED)
        .select_related("checked_in_by", "group_request")
        .order_by("name", "reference")
    )


def group_of(booking):
    """The group request behind a group booking, or None."""
    try:
        return booking.group_request
    except GroupRequest.DoesNotExist:
        return None


def day_slots(day):
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return list(
        Slot.objects.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))
        .select_related("tour")
        .with_taken()
        .order_by("starts_at", "tour__title")
    )


MANIFEST_COLUMNS = [
    "tour",
    "starts_at",
    "reference",
    "name",
    "phone",
    "email",
    "adults",
    "children",
    "pupils",
    "infants",
    "places",
    "paid",
    "source",
    "needs",
    "checked_in",
]


def manifest_csv(slots):
    """The manifest of one or more dates as CSV (UTF-8 with BOM, so spreadsheets read it)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(MANIFEST_COLUMNS)
    bookings = (
        Booking.objects.filter(slot__in=slots, status=Booking.Status.CONFIRMED)
        .select_related("slot__tour", "payment", "group_request")
        .order_by("slot__starts_at", "slot_id", "name", "reference")
    )
    for booking in bookings:
        local = timezone.localtime(booking.slot.starts_at)
        group = group_of(booking)
        writer.writerow(
            [
                _safe_cell(booking.slot.tour.title),
                f"{local:%Y-%m-%d %H:%M}",
                booking.reference,
                _safe_cell(booking.name),
                _safe_cell(booking.phone or (group.phone if group else "")),
                _safe_cell(booking.email),
                booking.adults,
                booking.children,
                booking.pupils,
                booking.infants,
                booking.places,
                format_amount(booking.amount_minor - booking.refunded_minor, booking.currency)
                if booking.payment_id
                else "",
                booking.get_source_display(),
                _safe_cell(group.notes if group else ""),
                timezone.localtime(booking.checked_in_at).strftime("%H:%M")
                if booking.checked_in_at
                else "",
            ]
        )
    return buffer.getvalue()


def _safe_cell(value):
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def search_bookings(query, limit=50):
    query = (query or "").strip()
    if not query:
        return []
    return list(
        Booking.objects.filter(
            Q(reference__iexact=query)
            | Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
        )
        .select_related("slot__tour")
        .order_by("-slot__starts_at", "name")[:limit]
    )


# --- Signed links ----------------------------------------------------------------------------


class BadLink(Exception):
    pass


def manage_token(booking):
    # No timestamp: the link stays the same in every e-mail and works until the tour is over.
    return signing.Signer(salt=MANAGE_SALT).sign_object(booking.reference)


def booking_for_token(token):
    """The booking a manage link names; BadLink for a tampered, truncated or unknown one."""
    try:
        reference = signing.Signer(salt=MANAGE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise BadLink(token) from None
    booking = (
        Booking.objects.select_related("slot__tour", "payment").filter(reference=reference).first()
    )
    if booking is None:
        raise BadLink(token)
    return booking


def manage_path(booking, language=None):
    with translation.override(language or booking.language):
        return reverse("tourism:booking", args=[manage_token(booking)])


def manage_url(booking, language=None):
    return conf.site_url() + manage_path(booking, language)
