"""The giving form and the small forms around it; every error in the visitor's language."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from donations.models import Donation
from payments.money import CurrencyError, exponent, format_amount, major_to_minor

OTHER = "other"
# Markup has no place in a name or a message: "<b", "</", "<!", "<script" are refused;
# "I <3 leopards" is not. Everything shown is escaped as well.
MARKUP = re.compile(r"<\s*[/!?a-zA-Z]")


def refuse_markup(value):
    if MARKUP.search(value or ""):
        raise forms.ValidationError(_("Please write plain text, without HTML tags."))
    return value


# How each language writes 1500.5: (decimal separator, grouping separator). Spaces, no-break
# spaces and apostrophes group digits in every language and are dropped first.
SEPARATORS = {"ru": (",", " "), "en": (".", ","), "zh-hans": (".", ",")}
SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def _separators(language):
    language = (language or translation.get_language() or "ru").lower()
    if language.startswith("ru"):
        return SEPARATORS["ru"]
    return SEPARATORS["zh-hans" if language.startswith("zh") else "en"]


def parse_amount(text, currency, language=None):
    """An amount a visitor typed, read the way the visitor's language writes numbers, in minor
    units, or an error.

    English and Chinese group with commas ("1,500" is fifteen hundred, "1,500.50" too) and
    Russian with spaces and a decimal comma ("1 500,50"). A comma that cannot be grouping
    ("12,5") and a dot in Russian ("1500.50") are decimal points: the form then shows what
    it understood before anything is charged (`typed_needs_check`).
    """
    # Full-width digits and punctuation (１，５００) are the same figures.
    cleaned = SPACES.sub("", unicodedata.normalize("NFKC", text or ""))
    if not cleaned:
        raise forms.ValidationError(_("Please choose or enter an amount."))
    decimal_separator, _group = _separators(language)
    if decimal_separator == "." and GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") + cleaned.count(".") <= 1:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise forms.ValidationError(_("Please enter the amount as a number, e.g. 1500."))
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(_("Please enter the amount as a number, e.g. 1500.")) from None
    if amount <= 0:
        raise forms.ValidationError(_("The amount must be more than zero."))
    try:
        return major_to_minor(amount, currency)
    except CurrencyError:
        raise forms.ValidationError(_("That amount has too many decimal places.")) from None


def typed_needs_check(text):
    """A typed amount with a separator can be read two ways: show what we understood first."""
    return bool(re.search(r"[,.]", unicodedata.normalize("NFKC", text or "")))


def amount_for_input(amount_minor, currency, language=None):
    """The figure to put back into the "other amount" box: "1,500.50" (en), "1 500,50" (ru)."""
    decimal_separator, group = _separators(language)
    whole, fraction = divmod(int(amount_minor), 10 ** exponent(currency))
    text = f"{whole:,}".replace(",", "\u00a0" if group == " " else group)
    if fraction:
        text += f"{decimal_separator}{fraction:0{exponent(currency)}d}"
    return text


class DonationForm(forms.Form):
    amount = forms.CharField(label=_("Amount"), required=False, max_length=20)
    other_amount = forms.CharField(label=_("Other amount"), required=False, max_length=20)
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)
    # The amount in minor units the donor saw we understood from what they typed.
    understood = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Donation.Frequency.choices,
        initial=Donation.Frequency.ONCE,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("For your receipt. Never shown on the site."),
    )
    show_name = forms.BooleanField(label=_("Show my name on the donor wall"), required=False)
    message = forms.CharField(
        label=_("A message for the rangers (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the donor wall with your name after our staff have read it."),
    )
    leopard = forms.TypedChoiceField(
        label=_("Sponsor a leopard (optional)"), required=False, coerce=int, empty_value=None
    )
    wants_updates = forms.BooleanField(
        label=_("Send me this campaign's progress reports by e-mail"), required=False
    )

    def __init__(self, campaign, *args, leopards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        # Set by clean(): the typed amount, read by the visitor's language, awaits their check.
        self.needs_check = False
        self.offered = campaign.offered_amounts()
        self.fields["currency"].initial = campaign.currency
        if not campaign.monthly_allowed:
            self.fields["frequency"].choices = [Donation.Frequency.choices[0]]
        self.leopards = {leopard.pk: leopard for leopard in leopards}
        if campaign.sponsorship_allowed and self.leopards:
            self.fields["leopard"].choices = [
                ("", _("No, thank you")),
                *(
                    (pk, f"{leopard.display_name} ({leopard.code})")
                    for pk, leopard in self.leopards.items()
                ),
            ]
        else:
            del self.fields["leopard"]
        if not self.is_bound and self.offered:
            self.initial.setdefault(
                "amount", str(self.offered[len(self.offered) // 2]["amount_minor"])
            )

    def clean_name(self):
        return refuse_markup(self.cleaned_data["name"].strip())

    def clean_message(self):
        return refuse_markup(self.cleaned_data["message"].strip())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency != self.campaign.currency:
            raise forms.ValidationError(
                _("This campaign takes gifts in %(currency)s only.")
                % {"currency": self.campaign.currency}
            )
        return currency

    def clean(self):
        data = super().clean()
        currency = self.campaign.currency
        choice = (data.get("amount") or "").strip()
        try:
            if choice and choice != OTHER:
                offered = {
                    str(offer["amount_minor"]): offer["amount_minor"] for offer in self.offered
                }
                if choice not in offered:
                    raise forms.ValidationError(_("Please choose one of the amounts shown."))
                amount_minor = offered[choice]
            else:
                typed = data.get("other_amount")
                amount_minor = parse_amount(typed, currency)
                self.needs_check = typed_needs_check(typed) and (
                    (data.get("understood") or "").strip() != str(amount_minor)
                )
            if amount_minor < self.campaign.minimum_minor:
                raise forms.ValidationError(
                    _("The smallest gift to this campaign is %(amount)s.")
                    % {"amount": format_amount(self.campaign.minimum_minor, currency)}
                )
            if amount_minor > self.campaign.maximum_minor:
                raise forms.ValidationError(
                    _("The largest gift we can take online is %(amount)s.")
                    % {"amount": format_amount(self.campaign.maximum_minor, currency)}
                )
        except forms.ValidationError as error:
            self.add_error("other_amount" if choice in ("", OTHER) else "amount", error)
        else:
            data["amount_minor"] = amount_minor
        if data.get("show_name") and not data.get("name"):
            self.add_error("name", _("Please give the name to show, or untick the box."))
        if "leopard" in self.fields and data.get("leopard") is not None:
            data["leopard"] = self.leopards.get(data["leopard"])
        else:
            data["leopard"] = None
        return data

    def for_check(self):
        """The same form, its typed amount written back the way the visitor's language writes
        it and marked as understood, for the page that shows what we read."""
        data = self.data.copy()
        amount_minor = self.cleaned_data["amount_minor"]
        data["other_amount"] = amount_for_input(amount_minor, self.campaign.currency)
        data["understood"] = str(amount_minor)
        form = type(self)(self.campaign, data, leopards=self.leopards.values())
        form.is_valid()
        form.understood_minor = amount_minor
        form.typed_amount = self.data.get("other_amount", "")
        return form


class EmailForm(forms.Form):
    """One e-mail address: the sign-in request and the report subscription."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
