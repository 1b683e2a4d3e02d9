"""A campaign's progress towards its goal, in exact minor units."""

from dataclasses import dataclass

from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from payments.money import format_amount


@dataclass(frozen=True)
class Progress:
    raised_minor: int
    gifts: int
    goal_minor: int
    currency: str

    @property
    def per_mille(self):
        """Share of the goal in tenths of a percent, rounded down: 99.9 % is not "100 %"."""
        if self.goal_minor <= 0:
            return 0
        return max(self.raised_minor, 0) * 1000 // self.goal_minor

    @property
    def percent_text(self):
        """ "7.1" or "7,1": the share with the active language's decimal separator."""
        whole, tenth = divmod(self.per_mille, 10)
        if not tenth:
            return str(whole)
        separator = "," if (get_language() or "").startswith("ru") else "."
        return f"{whole}{separator}{tenth}"

    @property
    def bar_per_mille(self):
        """The bar's fill: full at the goal, never beyond."""
        return min(self.per_mille, 1000)

    def raised_display(self, language=None):
        return format_amount(self.raised_minor, self.currency, language)

    def goal_display(self, language=None):
        return format_amount(self.goal_minor, self.currency, language)

    def texts(self, language):
        """What the page prints, in one language (also sent with each live update)."""
        with override(language):
            return {
                "raised": self.raised_display(language),
                "goal": self.goal_display(language),
                "percent": _("%(percent)s%% of the goal") % {"percent": self.percent_text},
                "gifts": ngettext("%(count)s donation", "%(count)s donations", self.gifts)
                % {"count": self.gifts},
            }

    def as_payload(self):
        return {
            "raised_minor": self.raised_minor,
            "goal_minor": self.goal_minor,
            "currency": self.currency,
            "gifts": self.gifts,
            "per_mille": self.per_mille,
        }
