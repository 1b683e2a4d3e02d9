"""Which checkout the portal offers, from settings (read each time: tests change them)."""

from django.conf import settings

STRIPE = "stripe"
TEST_CHECKOUT = "test"

# Stripe's own default: a signature older than five minutes is refused (replays).
WEBHOOK_TOLERANCE_SECONDS = getattr(settings, "PAYMENTS_WEBHOOK_TOLERANCE", 300)


def checkout_mode():
    """ "stripe" with a secret key; "test" in the embedded demo; None: no payment possible.

    The test checkout needs DEMO_MODE *and* DEBUG, so a production server (DEBUG off) never
    takes a fake payment, even with DEMO_MODE switched on for its notice.
    """
    if settings.STRIPE_SECRET_KEY:
        return STRIPE
    if settings.DEMO_MODE and settings.DEBUG:
        return TEST_CHECKOUT
    return None


def checkout_available():
    return checkout_mode() is not None


def webhook_secrets():
    """(secret, source) pairs a webhook signature is checked against, in order."""
    secrets = []
    if settings.STRIPE_WEBHOOK_SECRET:
        secrets.append((settings.STRIPE_WEBHOOK_SECRET, STRIPE))
    if checkout_mode() == TEST_CHECKOUT and settings.TEST_CHECKOUT_WEBHOOK_SECRET:
        secrets.append((settings.TEST_CHECKOUT_WEBHOOK_SECRET, TEST_CHECKOUT))
    return secrets
