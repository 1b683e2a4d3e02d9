import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tourism.models.bookings import PARTY_CATEGORIES
from tourism.services import MAX_PER_CATEGORY, Contact, Party


def _count(label, initial=0):
    return forms.IntegerField(
        label=label, min_value=0, max_value=MAX_PER_CATEGORY, initial=initial, required=False
    )


class PartyForm(forms.Form):
    """Tickets per category; the slot's own ages and prices go into the labels."""

    adults = _count(_("Adults"), initial=1)
    children = _count(_("Children"))
    pupils = _count(_("School pupils"))
    infants = _count(_("Young children (free)"))
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only for the guide to reach you on the day."),
    )
    # Made when the form is shown: the same form submitted twice finds the first booking.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, slot, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot = slot
        self.fields["children"].label = _("Children under %(age)d") % {"age": slot.child_under_age}
        self.fields["infants"].label = _("Children under %(age)d (free)") % {
            "age": slot.free_under_age
        }
        if slot.free_under_age <= slot.tour.minimum_age:
            del self.fields["infants"]
        for category in PARTY_CATEGORIES:
            if category in self.fields:  # for the total shown as the party changes
                self.fields[category].widget.attrs["data-price-minor"] = slot.price_minor(category)

    def total_minor(self):
        """The price of the party as the form stands (its initial party before it is sent)."""
        total = 0
        for category in PARTY_CATEGORIES:
            if category not in self.fields:
                continue
            try:
                count = int(self[category].value() or 0)
            except (TypeError, ValueError):
                count = 0
            total += min(max(count, 0), MAX_PER_CATEGORY) * self.slot.price_minor(category)
        return total

    def party(self):
        data = self.cleaned_data
        return Party(**{c: data.get(c) or 0 for c in ("adults", "children", "pupils", "infants")})

    def contact(self, language):
        data = self.cleaned_data
        return Contact(
            name=data["name"].strip(),
            email=data["email"].strip(),
            phone=data.get("phone", "").strip(),
            language=language,
        )


class BookingForm(PartyForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that the park keeps my name and contact details to run this booking, "
            "and deletes them a year after the tour."
        ),
        required=True,
    )


class WaitingListForm(PartyForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that the park keeps my name and e-mail to offer me places on this date, "
            "and deletes them after the tour."
        ),
        required=True,
    )
