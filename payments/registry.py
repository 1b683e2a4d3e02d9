"""Purposes: what a payment is for, and who acts when its money moves.

A domain registers each purpose once, in its AppConfig.ready():

    payments.register("booking", on_booking_payment, limits={"RUB": (50_000, 5_000_000)})

payments calls the handler with the Payment and an Outcome, inside the webhook's transaction.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from payments.money import normalise_currency

PAID = "paid"
FAILED = "failed"
EXPIRED = "expired"
REFUNDED = "refunded"
RENEWED = "renewed"
REFUND_FAILED = "refund_failed"
OUTCOME_KINDS = (PAID, FAILED, EXPIRED, REFUNDED, RENEWED, REFUND_FAILED)


@dataclass(frozen=True)
class Outcome:
    """What happened to a payment's money, as payments learnt it from Stripe.

    kind: paid | failed | expired | refunded | renewed (a monthly gift's later month) |
    refund_failed (a refund Stripe could not carry out: the money stays with the portal).
    amount_minor: the money this outcome moved (paid, renewed, refunded now, or restored by
    a failed refund), 0 for failed and expired.
    refunded_total_minor: for refunded and refund_failed, what stands refunded of that charge.
    refund_id: the Stripe refund, for refunded and refund_failed (one outcome per refund).
    invoice_id: for renewed, and for refunds of a later month, that month's Stripe invoice;
    empty for the payment's first charge.
    payment_intent_id: the charge's Stripe PaymentIntent, when known.
    """

    kind: str
    amount_minor: int
    currency: str
    refunded_total_minor: int = 0
    event_id: str = ""
    reference: str = ""
    refund_id: str = ""
    invoice_id: str = ""
    payment_intent_id: str = ""


@dataclass(frozen=True)
class Purpose:
    name: str
    handler: object
    # currency -> (minimum, maximum) in minor units; a currency not listed is refused.
    limits: dict = field(default_factory=dict)
    # The permission ("app.codename") staff need to see this purpose's payments, their
    # refunds and Stripe events, and to refund them; None: payments' own permissions suffice.
    permission: str | None = None


_purposes = {}


def register(purpose, handler, *, limits, permission=None):
    """Declare a purpose, its handler and the amounts it accepts per currency.

    `permission`: who may see and refund its payments (the domain's role), so that rights
    follow a payment's purpose: the tourism desk refunds bookings, Fundraising donations.

    Registering the same handler again (ready() may run twice in tests) changes nothing;
    another handler under a taken name is a configuration error.
    """
    if not callable(handler):
        raise ImproperlyConfigured(f"payments purpose {purpose!r}: the handler is not callable")
    if not limits:
        raise ImproperlyConfigured(f"payments purpose {purpose!r}: give limits per currency")
    checked = {}
    for currency, (minimum, maximum) in limits.items():
        if not (isinstance(minimum, int) and isinstance(maximum, int) and 0 < minimum <= maximum):
            raise ImproperlyConfigured(
                f"payments purpose {purpose!r}: limits for {currency} must be integers in minor "
                "units with 0 < minimum <= maximum"
            )
        checked[normalise_currency(currency)] = (minimum, maximum)
    existing = _purposes.get(purpose)
    if existing and existing.handler is not handler:
        raise ImproperlyConfigured(f"payments purpose {purpose!r} is already registered")
    _purposes[purpose] = Purpose(purpose, handler, checked, permission)
    return _purposes[purpose]


def unregister(purpose):
    """For tests that register a purpose of their own."""
    _purposes.pop(purpose, None)


def get_purpose(purpose):
    try:
        return _purposes[purpose]
    except KeyError:
        raise LookupError(f"no payments purpose {purpose!r} is registered") from None


def purposes():
    return dict(_purposes)


def purposes_visible_to(user):
    """The purposes whose payments `user` may see and refund; None for all (a superuser)."""
    if user.is_superuser:
        return None
    return sorted(
        name
        for name, purpose in _purposes.items()
        if purpose.permission is None or user.has_perm(purpose.permission)
    )


def may_see(user, purpose):
    visible = purposes_visible_to(user)
    return visible is None or purpose in visible
