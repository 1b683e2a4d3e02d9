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
