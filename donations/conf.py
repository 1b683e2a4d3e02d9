"""The donation purpose's settings (a deployment may override them in settings)."""

from datetime import timedelta

from django.conf import settings

PURPOSE = "donation"

# What payments accepts for a donation, per currency, in minor units: (smallest, largest).
# A campaign's own bounds must lie inside these.
LIMITS = getattr(
    settings,
    "DONATION_LIMITS",
    {
        "RUB": (100, 100_000_000),
        "USD": (100, 1_000_000),
        "EUR": (100, 1_000_000),
        "CNY": (100, 10_000_000),
    },
)

# How long an e-mailed sign-in link to the supporter page works.
SIGN_IN_LINK_LIFETIME = getattr(settings, "DONATION_SIGN_IN_LINK_LIFETIME", timedelta(hours=1))
# How long a supporter stays signed in on one browser.
SUPPORTER_SESSION_AGE = getattr(settings, "DONATION_SUPPORTER_SESSION_AGE", timedelta(days=14))
# A second confirmation e-mail for the same campaign is sent at most this often.
CONFIRMATION_RESEND = getattr(settings, "DONATION_CONFIRMATION_RESEND", timedelta(minutes=10))
# A checkout that is not paid is given up after this long (Stripe's minimum is 30 minutes).
CHECKOUT_LIFETIME = timedelta(hours=2)

# The certificate's typeface: one font file with Latin, Cyrillic and Chinese glyphs, since a
# sponsor's name may be in any of them whatever the certificate's language. Debian's
# fonts-noto-cjk installs it; the face used is the collection's Simplified Chinese one (its
# Latin and Cyrillic are the same in every face). A deployment dependency, checked at start-up
# (donations/checks.py); never replaced by Pillow's bitmap font, which draws boxes.
CERTIFICATE_FONT_PACKAGE = "fonts-noto-cjk"
CERTIFICATE_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
CERTIFICATE_FONT_FACE = "Noto Serif CJK SC"


def certificate_font():
    """The font file: settings.CERTIFICATE_FONT (from the environment) or the package's.
    Read at each use, so a test or a settings override may point it elsewhere."""
    return getattr(settings, "CERTIFICATE_FONT", "") or CERTIFICATE_FONT
