"""Payments: one Stripe integration for every purpose (bookings, donations...).

The contract for the domains (docs/payments.md):

    payments.register("booking", on_booking_payment, limits={"RUB": (50_000, 5_000_000)})
    start = payments.start_checkout("booking", hold, 150_000, "RUB", description=..., ...)
    payments.refund(payment, 50_000, reason="requested_by_customer", by_user=user)

payments imports no domain: the object a payment is for is referenced generically.
"""

from payments.conf import checkout_available, checkout_mode
from payments.registry import (
    EXPIRED,
    FAILED,
    PAID,
    REFUND_FAILED,
    REFUNDED,
    RENEWED,
    Outcome,
    register,
)

__all__ = [
    "EXPIRED",
    "FAILED",
    "PAID",
    "REFUNDED",
    "REFUND_FAILED",
    "RENEWED",
    "Outcome",
    "cancel_checkout",
    "cancel_subscription",
    "checkout_available",
    "checkout_mode",
    "forget_customers",
    "refund",
    "register",
    "start_checkout",
]


# The services need the models, so they are imported when first called, not at app loading.
def start_checkout(*args, **kwargs):
    from payments.services import start_checkout as _start_checkout

    return _start_checkout(*args, **kwargs)


def cancel_checkout(payment):
    from payments.services import cancel_checkout as _cancel_checkout

    return _cancel_checkout(payment)


def cancel_subscription(payment):
    from payments.services import cancel_subscription as _cancel_subscription

    return _cancel_subscription(payment)


def refund(payment, amount_minor=None, **kwargs):
    """Refunds one charge of a payment (its first, or `renewal=` a later month)."""
    from payments.services import refund as _refund

    return _refund(payment, amount_minor, **kwargs)


def forget_customers(payment_ids):
    """Blanks the payer's e-mail of these payments: the domain has forgotten its visitor."""
    from payments.retention import forget_customers as _forget_customers

    return _forget_customers(payment_ids)
