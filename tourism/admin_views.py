"""The tourism desk in the Wagtail admin: the day's dates, manifests, check-in, cancelling a
date, group requests, the weekly schedule and booking search. Each view checks the desk's
permission itself; each change goes through a service.
"""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms import params
from payments.money import format_amount, major_to_minor
from tourism import services
from tourism.models import Booking, GroupRequest, Slot, TourPage
from tourism.services import BookingError

DESK = "tourism.run_tourism_desk"


def _require_desk(request):
    if not request.user.has_perm(DESK):
        raise PermissionDenied


class DeskMixin(WagtailAdminTemplateMixin):
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        _require_desk(request)
        return super().dispatch(request, *args, **kwargs)


# The days the desk can show: far enough for any season, near enough that the day before and
# after, and the day's bounds in park time, are dates Python can make.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


class BadDay(Exception):
    pass


def _day(request):
    """The day asked for (`?day=YYYY-MM-DD`), today by default; BadDay for a date that does
    not exist (2026-02-30) or lies outside the years the desk shows."""
    try:
        day = params.parse_date(request.GET.get("day"), min_value=FIRST_DAY, max_value=LAST_DAY)
    except params.BadParameter:
        raise BadDay(request.GET.get("day")) from None
    return day or timezone.localdate()


def _bad_day_response():
    return HttpResponseBadRequest(
        _(
            "That is not a day the desk can show: give a date like 2026-06-12, between %(first)s "
            "and %(last)s."
        )
        % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        content_type="text/plain; charset=utf-8",
    )


class DayView(DeskMixin, TemplateView):
    """One day at the visitor centre: its dates, places taken, and a booking search."""

    template_name = "tourism/desk/day.html"
    page_title = gettext_lazy("Tourism desk")

    def get(self, request, *args, **kwargs):
        try:
            self.day = _day(request)
        except BadDay:
            return _bad_day_response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = self.day
        query = self.request.GET.get("q", "").strip()
        context.update(
            day=day,
            previous_day=day - datetime.timedelta(days=1),
            next_day=day + datetime.timedelta(days=1),
            slots=services.day_slots(day),
            query=query,
            results=services.search_bookings(query) if query else None,
            pending_groups=GroupRequest.objects.filter(status=GroupRequest.Status.PENDING).count(),
        )
        return context


def manifest(request, slot_id):
    """The printable list of who walks on a date, with check-in buttons (hidden in print) and
    the ticket scanner: a camera where the browser can read QR codes, and always a field a
    hand-held scanner types into (the reference and Enter)."""
    _require_desk(request)
    slot = get_object_or_404(Slot.objects.select_related("tour").with_taken(), pk=slot_id)
    bookings = services.manifest(slot)
    for booking in bookings:
        booking.group = services.group_of(booking)
    return render(
        request,
        "tourism/desk/manifest.html",
        {"slot": slot, "bookings": bookings},
    )


@require_POST
def scan(request, slot_id):
    """A scanned ticket (the signed code in its QR) checks its booking in on this date."""
    _require_desk(request)
    slot = get_object_or_404(Slot, pk=slot_id)
    try:
        booking, already = services.check_in_by_code(
            slot, request.POST.get("code", ""), by_user=request.user
        )
    except BookingError as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("tourism_desk:manifest", args=[slot.pk]) + "#scan")
    values = {
        "reference": booking.reference,
        "name": booking.name,
        "places": booking.places,
        "time": formats.time_format(timezone.localtime(booking.checked_in_at), "H:i"),
    }
    if already:
        messages.warning(
            request, _("%(reference)s (%(name)s) was already checked in at %(time)s.") % values
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(reference)s (%(name)s) is checked in: %(places)d place.",
                "%(reference)s (%(name)s) is checked in: %(places)d places.",
                booking.places,
            )
            % values,
        )
    return redirect(reverse("tourism_desk:manifest", args=[slot.pk]) + "#scan")


def manifest_csv(request, slot_id):
    _require_desk(request)
    slot = get_object_or_404(Slot, pk=slot_id)
    local = timezone.localtime(slot.starts_at)
    return _csv_response(services.manifest_csv([slot]), f"manifest-{local:%Y-%m-%d-%H%M}.csv")


def day_csv(request):
    _require_desk(request)
    try:
        day = _day(request)
    except BadDay:
        return _bad_day_response()
    return _csv_response(
        services.manifest_csv(services.day_slots(day)), f"manifest-{day:%Y-%m-%d}.csv"
    )


def _csv_response(text, filename):
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def check_in(request, booking_id):
    _require_desk(request)
    booking = get_object_or_404(Booking, pk=booking_id)
    try:
        services.set_checked_in(
            booking, checked_in=request.POST.get("undo") != "1", by_user=request.user
        )
    except BookingError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("tourism_desk:manifest", args=[booking.slot_id]) + f"#b{booking.pk}")


@require_POST
def close_slot(request, slot_id):
    _require_desk(request)
    slot = get_object_or_404(Slot, pk=slot_id)
    reopen = request.POST.get("reopen") == "1"
    try:
        services.close_slot(slot, reopen=reopen)
    except BookingError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Booking reopened.") if reopen else _("Booking closed."))
    day = timezone.localtime(slot.starts_at).date()
    return redirect(reverse("tourism_desk:day") + f"?day={day:%Y-%m-%d}")


class CancelBookingForm(forms.Form):
    REFUND_CHOICES = [
        ("policy", gettext_lazy("As the cancellation policy says")),
        ("full", gettext_lazy("In full")),
        ("amount", gettext_lazy("Another amount")),
    ]
    refund = forms.ChoiceField(
        label=gettext_lazy("Refund"), choices=REFUND_CHOICES, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount to refund (₽)"),
        required=False,
        min_value=Decimal("0"),
        decimal_places=2,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason, for the visitor's e-mail and the booking's history"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, booking, **kwargs):
        self.booking = booking
        super().__init__(*args, **kwargs)

    def refund_minor(self):
        """The amount chosen, in minor units (None: the policy's)."""
        choice = self.cleaned_data["refund"]
        if choice == "policy":
            return None
        if choice == "full":
            return services.refundable_for(self.booking)
        return major_to_minor(self.cleaned_data["amount"], self.booking.currency)

    def clean(self):
        data = super().clean()
        if data.get("refund") == "amount" and data.get("amount") is None:
            self.add_error("amount", _("Give the amount to refund."))
        return data


class CancelBookingView(DeskMixin, FormView):
    """Cancel and refund one booking: from the manifest, the day's search and the booking."""

    template_name = "tourism/desk/cancel_booking.html"
    form_class = CancelBookingForm
    page_title = gettext_lazy("Cancel and refund a booking")
    header_icon = "rotate"

    @cached_property
    def booking(self):
        return get_object_or_404(
            Booking.objects.select_related("slot__tour", "payment"), pk=self.kwargs["booking_id"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "booking": self.booking}

    def get_initial(self):
        return {"refund": "policy"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking = self.booking
        context.update(
            booking=booking,
            policy_refund=format_amount(
                services.refund_for_cancellation(booking), booking.currency
            ),
            refundable=format_amount(services.refundable_for(booking), booking.currency),
            paid=format_amount(booking.amount_minor, booking.currency),
        )
        return context

    def form_valid(self, form):
        try:
            result = services.cancel_booking_by_staff(
                self.booking,
                refund_minor=form.refund_minor(),
                reason=form.cleaned_data["reason"],
                by_user=self.request.user,
            )
        except BookingError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if result.already:
            messages.warning(self.request, _("This booking was already cancelled."))
        else:
            messages.success(
                self.request,
                _("Booking %(reference)s is cancelled; %(amount)s refunded; the visitor is told.")
                % {
                    "reference": result.booking.reference,
                    "amount": format_amount(result.refunded_minor, result.booking.currency),
                },
            )
        return redirect(reverse("tourism_desk:manifest", args=[result.booking.slot_id]))


class CancelSlotForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, for the e-mail to every booker"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class CancelSlotView(DeskMixin, FormView):
    template_name = "tourism/desk/cancel_slot.html"
    form_class = CancelSlotForm
    page_title = gettext_lazy("Cancel a tour date")

    def get_slot(self):
        return get_object_or_404(
            Slot.objects.select_related("tour").with_taken(), pk=self.kwargs["slot_id"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slot = self.get_slot()
        context.update(slot=slot, bookings=services.manifest(slot))
        return context

    def form_valid(self, form):
        slot = self.get_slot()
        try:
            slot, bookings = services.cancel_slot(
                slot, reason=form.cleaned_data["reason"], by_user=self.request.user
            )
        except BookingError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The date is cancelled; %(count)d bookings were cancelled, refunded and told.")
            % {"count": len(bookings)},
        )
        day = timezone.localtime(slot.starts_at).date()
        return redirect(reverse("tourism_desk:day") + f"?day={day:%Y-%m-%d}")


WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


class ScheduleForm(forms.ModelForm):
    """A weekly schedule over a season, and what every date it makes will offer."""

    tour = forms.ModelChoiceField(
        label=gettext_lazy("Tour"), queryset=TourPage.objects.order_by("path")
    )
    first_day = forms.DateField(
        label=gettext_lazy("Season starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=gettext_lazy("Season ends"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days of the week"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    times = forms.CharField(
        label=gettext_lazy("Start times"),
        help_text=gettext_lazy("Park time, separated by commas: 10:00, 14:30"),
    )

    class Meta:
        model = Slot
        fields = [
            "capacity",
            "guide_language",
            "price_adult",
            "price_child",
            "price_pupil",
            "child_under_age",
            "free_under_age",
            "min_party",
            "max_party",
            "opens_days_before",
            "closes_hours_before",
        ]

    def clean_times(self):
        times = []
        for part in self.cleaned_data["times"].split(","):
            try:
                times.append(datetime.time.fromisoformat(part.strip()))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a time like 10:00.") % {"value": part.strip()}
                ) from None
        return times

    def clean_first_day(self):
        first = self.cleaned_data["first_day"]
        if first < timezone.localdate():
            raise forms.ValidationError(_("The season cannot start in the past."))
        return first

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The season ends before it starts."))
        if first and last and (last - first).days > 366:
            self.add_error("last_day", _("A schedule covers at most one year."))
        return data


class ScheduleView(DeskMixin, FormView):
    template_name = "tourism/desk/schedule.html"
    form_class = ScheduleForm
    page_title = gettext_lazy("Create dates from a weekly schedule")

    def form_valid(self, form):
        data = form.cleaned_data
        slot_fields = {name: data[name] for name in ScheduleForm.Meta.fields}
        created, skipped = services.create_slots_from_schedule(
            data["tour"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            weekdays=set(data["weekdays"]),
            times=data["times"],
            **slot_fields,
        )
        messages.success(
            self.request,
            _("%(created)d dates created; %(skipped)d existed already and were left alone.")
            % {"created": created, "skipped": skipped},
        )
        return redirect("tourism_desk:schedule")


class ApproveGroupForm(forms.Form):
    slot = forms.ModelChoiceField(label=gettext_lazy("Tour date"), queryset=Slot.objects.none())

    def __init__(self, group_request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        # Only dates with room for the whole group (participants and accompanying adults).
        slots = (
            Slot.objects.filter(
                starts_at__gt=now,
                starts_at__lt=now + datetime.timedelta(days=366),
                status__in=[Slot.Status.OPEN, Slot.Status.CLOSED],
            )
            .with_taken(now)
            .filter(capacity__gte=F("taken") + group_request.places)
            .select_related("tour")
        )
        if group_request.tour_id:
            slots = slots.filter(tour_id=group_request.tour_id)
        self.fields["slot"].queryset = slots.order_by("starts_at")


class DeclineGroupForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, for the e-mail to the contact"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )


class GroupRequestsView(DeskMixin, TemplateView):
    template_name = "tourism/desk/groups.html"
    page_title = gettext_lazy("Group requests")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = list(
            GroupRequest.objects.filter(status=GroupRequest.Status.PENDING)
            .select_related("tour")
            .order_by("created_at")
        )
        context["pending"] = [
            (group, ApproveGroupForm(group, prefix=f"g{group.pk}"), DeclineGroupForm())
            for group in pending
        ]
        context["decided"] = (
            GroupRequest.objects.exclude(status=GroupRequest.Status.PENDING)
            .select_related("booking__slot__tour", "decided_by")
            .order_by("-decided_at")[:30]
        )
        return context


@require_POST
def decide_group(request, group_id):
    _require_desk(request)
    group = get_object_or_404(GroupRequest, pk=group_id)
    try:
        if request.POST.get("decision") == "approve":
            form = ApproveGroupForm(group, request.POST, prefix=f"g{group.pk}")
            if not form.is_valid():
                messages.error(request, _("Choose a tour date to approve the request."))
                return redirect("tourism_desk:groups")
            booking = services.approve_group_request(
                group, form.cleaned_data["slot"], by_user=request.user
            )
            messages.success(
                request,
                _("Approved: booking %(reference)s reserves %(places)d places.")
                % {"reference": booking.reference, "places": booking.places},
            )
        else:
            form = DeclineGroupForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.decline_group_request(group, reason=reason, by_user=request.user)
            messages.success(request, _("Declined; the contact has been told."))
    except BookingError as exc:
        messages.error(request, str(exc.message))
    return redirect("tourism_desk:groups")
