"""Sentences about one leopard, worded for its sex: a female is "she" ("её", "她"), not "it".

A leopard whose sex is not known keeps the neutral wording. Each language gets a whole
sentence per sex (a pronoun cannot be swapped in alone: Russian agrees nouns with it too).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SENTENCES = {
    # The thanks page, after a gift that sponsors the leopard.
    "now_sponsor": {
        "female": _("You now sponsor %(name)s: we will e-mail you each time she is seen again."),
        "male": _("You now sponsor %(name)s: we will e-mail you each time he is seen again."),
        "unknown": _("You now sponsor %(name)s: we will e-mail you each time it is seen again."),
    },
    # The receipt e-mail.
    "sponsor": {
        "female": _("You sponsor %(name)s: we will e-mail you each time she is seen again."),
        "male": _("You sponsor %(name)s: we will e-mail you each time he is seen again."),
        "unknown": _("You sponsor %(name)s: we will e-mail you each time it is seen again."),
    },
    # The invitation on the leopard's page.
    "sponsor_box": {
        "female": _(
            "A sponsor's gift pays for the rangers and camera traps that protect her. You "
            "receive a certificate and an e-mail each time she is seen again."
        ),
        "male": _(
            "A sponsor's gift pays for the rangers and camera traps that protect him. You "
            "receive a certificate and an e-mail each time he is seen again."
        ),
        "unknown": _(
            "A sponsor's gift pays for the rangers and camera traps that protect this "
            "leopard. You receive a certificate and an e-mail each time it is seen again."
        ),
    },
    "follow_free": {
        "female": _("Or follow her sightings for free with the form on this page."),
        "male": _("Or follow his sightings for free with the form on this page."),
        "unknown": _("Or follow its sightings for free with the form on this page."),
    },
    # The certificate: the same English, other words where the language needs them.
    "certificate": {
        "female": pgettext_lazy("female leopard", "%(sponsor)s sponsors the Amur leopard"),
        "male": pgettext_lazy("male leopard", "%(sponsor)s sponsors the Amur leopard"),
        "unknown": _("%(sponsor)s sponsors the Amur leopard"),
    },
}


def sex_of(leopard):
    sex = getattr(leopard, "sex", "") or "unknown"
    return sex if sex in ("female", "male") else "unknown"


def about(leopard, key, **values):
    """The sentence `key` for this leopard in the active language; `name` filled in."""
    values.setdefault("name", leopard.display_name)
    return str(SENTENCES[key][sex_of(leopard)]) % values
