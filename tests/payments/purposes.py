"""A purpose of the tests' own: a "seat" (Django's Group stands in for a held seat, since
tests cannot add models) whose handler records each outcome as a live event and releases the
seat when the checkout expires. Registered in the test process by conftest and in the ASGI
server process by tests.payments.server_app.
"""

import payments

SEAT = "test-seat"
LIMITS = {"RUB": (10_000, 10_000_000), "USD": (100, 100_000), "EUR": (100, 100_000)}

# Set by a test to make the handler fail after it has already written something.
failing = {"on": False}


class HandlerFailure(RuntimeError):
    pass


def on_seat_payment(payment, outcome):
    from live import publish

    publish(
        "feed",
        f"test-seat.{outcome.kind}",
        {
            "payment": outcome.reference,
            "amount_minor": outcome.amount_minor,
            "refunded_total_minor": outcome.refunded_total_minor,
            "refund_id": outcome.refund_id,
            "invoice_id": outcome.invoice_id,
        },
    )
    if outcome.kind == payments.EXPIRED and payment.paid_for is not None:
        payment.paid_for.delete()
    if failing["on"]:
        raise HandlerFailure("the seat handler failed on purpose")


def register():
    payments.register(SEAT, on_seat_payment, limits=LIMITS)
