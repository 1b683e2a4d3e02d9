"""Visitors' booking pages: views parse the form, call one service, render."""

import uuid
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import payments
from cms.ratelimits import ADDRESS, Limit, client_digest, rate_limited, too_many_requests
from tourism import emails, services, tickets
from tourism.forms import BookingForm, WaitingListForm
from tourism.models import Booking, Slot
from tourism.services import BadLink, BookingError


def _slot(slot_id):
    return get_object_or_404(
        Slot.objects.select_related("tour").with_taken(), pk=slot_id, tour__live=True
    )


def _manage_url(request, booking, **query):
    url = request.build_absolute_uri(services.manage_path(booking, request.LANGUAGE_CODE))
    return f"{url}?{urlencode(query)}" if query else url


def _go_to_checkout(request, booking):
    """Sends the visitor on from a booking: to pay, or to the booking if nothing is due."""
    if booking.status != Booking.Status.HELD:
        return redirect(_manage_url(request, booking))
    url = services.start_payment(
        booking,
        success_url=_manage_url(request, booking, paid=1),
        cancel_url=_manage_url(request, booking, checkout="cancelled"),
    )
    return redirect(url)


def _submission_key(data):
    try:
        return uuid.UUID(data.get("submission_key", ""))
    except ValueError:
        return None


# Each page rendered once, keyed by everything it shows (so never stale); a small bound.
_FULLY_BOOKED_PAGES = {}


def _fully_booked(slot):
    """The answer to an attempt on a full date: a small page of its own, not the booking page
    again. In a rush most attempts end here, so it costs the one read and a lookup."""
    tour = slot.tour
    tour_url = tour.url
    shown = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        slot.pk,
        slot.starts_at,
        slot.guide_language,
        tour.title,
        tour.meeting_point,
        tour_url,
    )
    html = _FULLY_BOOKED_PAGES.get(shown)
    if html is None:
        if len(_FULLY_BOOKED_PAGES) >= 256:
            _FULLY_BOOKED_PAGES.clear()
        html = _FULLY_BOOKED_PAGES[shown] = render_to_string(
            "tourism/fully_booked.html", {"slot": slot, "tour": tour, "tour_url": tour_url}
        )
    return HttpResponse(html, status=409)


@require_http_methods(["GET", "POST"])
@rate_limited(
    "booking_hold",
    Limit("RATE_LIMIT_HOLDS_PER_CLIENT"),
    Limit("RATE_LIMIT_HOLDS_PER_CLIENT_AND_DATE", per_argument="slot_id"),
    Limit("RATE_LIMIT_HOLDS_PER_ADDRESS", by=ADDRESS),
)
def book(request, slot_id):
    if request.method == "POST":
        try:
            slot = services.slot_for_booking(slot_id, _submission_key(request.POST))
        except Slot.DoesNotExist:
            raise Http404 from None
        if services.refused_at_once(slot):
            return _fully_booked(slot)
    else:
        slot = _slot(slot_id)
    problem = slot.bookable_state()
    status = 200
    form = BookingForm(slot, request.POST or None)
    if request.method == "POST":
        if problem:
            form.add_error(None, services.SLOT_PROBLEMS[problem])
            status = 409
        elif not payments.checkout_available():
            form.add_error(None, services.PAYMENT_UNAVAILABLE)
            status = 503
        elif not form.is_valid():
            status = 400
        else:
            try:
                booking, created = services.hold_places(
                    slot.pk,
                    form.party(),
                    form.contact(request.LANGUAGE_CODE),
                    submission_key=form.cleaned_data["submission_key"],
                    client=client_digest(request),
                )
                try:
                    return _go_to_checkout(request, booking)
                except BookingError:
                    if created:  # nobody can pay for it: give the places back at once
                        services.release_hold(booking)
                    raise
            except BookingError as exc:
                if exc.code == "full":
                    return _fully_booked(slot)
                if exc.code == "client_holds":
                    return too_many_requests(request, exc.retry_after, exc.message)
                form.add_error(None, exc.message)
                status = exc.status
                if exc.remaining is not None:  # what the refusal saw, not what the page read
                    slot.taken = slot.capacity - exc.remaining
    return render(
        request,
        "tourism/book.html",
        {"slot": slot, "tour": slot.tour, "form": form, "problem": problem},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@rate_limited(
    "waiting_list",
    Limit("RATE_LIMIT_EMAILS_PER_CLIENT"),
    Limit("RATE_LIMIT_EMAILS_PER_ADDRESS", by=ADDRESS),
)
def waiting_list(request, slot_id):
    slot = _slot(slot_id)
    problem = slot.bookable_state()
    form = WaitingListForm(slot, request.POST or None)
    status = 200
    if request.method == "POST":
        if problem:
            form.add_error(None, services.SLOT_PROBLEMS[problem])
            status = 409
        elif not form.is_valid():
            status = 400
        else:
            try:
                entry = services.join_waiting_list(
                    slot.pk, form.party(), form.contact(request.LANGUAGE_CODE)
                )
            except BookingError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return render(
                    request,
                    "tourism/waiting_list_joined.html",
                    {
                        "slot": slot,
                        "entry": entry,
                        "leave_token": services.waiting_list_token(entry),
                    },
                )
    return render(
        request,
        "tourism/waiting_list.html",
        {"slot": slot, "tour": slot.tour, "form": form, "problem": problem},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def leave_waiting_list(request, token):
    try:
        entry = services.waiting_list_entry_for_token(token)
    except BadLink:
        # Also a link whose entry has gone: it left the list before, or the tour is over.
        return render(request, "tourism/waiting_list_leave.html", {"gone": True})
    context = {"entry": entry, "slot": entry.slot, "tour": entry.slot.tour}
    if request.method == "POST":
        context["left"] = services.leave_waiting_list(entry)
    return render(request, "tourism/waiting_list_leave.html", context)


def _booking_or_bad_link(view):
    def wrapped(request, token, *args, **kwargs):
        try:
            booking = services.booking_for_token(token)
        except BadLink:
            return render(request, "tourism/bad_link.html", status=400)
        return view(request, booking, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _manage_context(booking, **extra):
    now = timezone.now()
    held = booking.status == Booking.Status.HELD and booking.hold_expires_at > now
    cancellable = booking.status == Booking.Status.CONFIRMED and booking.slot.starts_at > now
    slot = booking.slot
    # A hold given back (the checkout cancelled, the time up): can the same party try again?
    book_again = (
        booking.status == Booking.Status.EXPIRED
        and slot.bookable_state(now) is None
        and slot.capacity - services.places_taken(slot, now) >= booking.places
    )
    return {
        "booking": booking,
        "slot": booking.slot,
        "tour": booking.slot.tour,
        "held": held,
        "cancellable": cancellable,
        "book_again": book_again,
        "refund_now": services.refund_for_cancellation(booking, now) if cancellable else 0,
        "policy": services.conf.refund_policy(),
        "token": services.manage_token(booking),
        # The ticket: shown while the visit is ahead or under way.
        "ticket_svg": mark_safe(tickets.qr_svg(booking))  # markup made by qrcode, no input
        if booking.status == Booking.Status.CONFIRMED and booking.slot.ends_at > now
        else "",
        **extra,
    }


@require_GET
@_booking_or_bad_link
def manage(request, booking):
    return render(
        request,
        "tourism/manage.html",
        _manage_context(
            booking,
            just_paid=request.GET.get("paid") == "1",
            checkout_cancelled=request.GET.get("checkout") == "cancelled",
            just_cancelled=request.GET.get("cancelled") == "1",
        ),
    )


@require_POST
@rate_limited("booking_checkout", Limit("RATE_LIMIT_CHECKOUTS_PER_CLIENT"))
@_booking_or_bad_link
def pay(request, booking):
    try:
        return _go_to_checkout(request, booking)
    except BookingError as exc:
        context = _manage_context(booking, error=exc.message)
        return render(request, "tourism/manage.html", context, status=exc.status)


@require_POST
@_booking_or_bad_link
def release(request, booking):
    booking = services.release_hold(booking)
    if booking.payment_id:
        try:
            payments.cancel_checkout(booking.payment)
        except services.payments_errors():
            pass  # the session expires on its own; a late payment is refunded if need be
    return redirect(_manage_url(request, booking))


@require_http_methods(["GET", "POST"])
@_booking_or_bad_link
def cancel(request, booking):
    if request.method == "POST":
        try:
            services.cancel_booking(booking)
        except BookingError as exc:
            context = _manage_context(booking, error=exc.message)
            return render(request, "tourism/cancel.html", context, status=exc.status)
        return redirect(_manage_url(request, booking, cancelled=1))
    if booking.status == Booking.Status.CANCELLED:
        return redirect(_manage_url(request, booking))
    return render(request, "tourism/cancel.html", _manage_context(booking))


@require_GET
@_booking_or_bad_link
def calendar(request, booking):
    if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.CANCELLED):
        return render(request, "tourism/bad_link.html", {"not_confirmed": True}, status=404)
    response = HttpResponse(
        emails.calendar_file(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response
