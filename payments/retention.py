"""What payments keep of the people who paid (docs/payments.md, "Retention").

A payment, its refunds and renewals are money records: they stay, with amounts, dates and
Stripe's ids. The payer's address goes when the domain that took the payment forgets its
visitor (`payments.forget_customers`, called by tourism and donations), and the copies of it
in Stripe's events go after PAYMENTS_EVENT_PAYLOAD_DAYS (90): a handled event keeps its id,
type, outcome and payment, which is all that repeats and the admin need. A failed event keeps
its payload until it is handled: retrying it needs the payload.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from payments.models import Payment, WebhookEvent


def forget_customers(payment_ids):
    """Blanks the payer's e-mail of these payments; returns how many had one."""
    return (
        Payment.objects.filter(pk__in=list(payment_ids))
        .exclude(customer_email="")
        .update(customer_email="")
    )


def prune_event_payloads(now=None):
    """Empties the payloads of handled Stripe events older than PAYMENTS_EVENT_PAYLOAD_DAYS."""
    now = now or timezone.now()
    days = getattr(settings, "PAYMENTS_EVENT_PAYLOAD_DAYS", 90)
    return (
        WebhookEvent.objects.filter(received_at__lt=now - timedelta(days=days))
        .exclude(status=WebhookEvent.Status.FAILED)
        .exclude(payload={})
        .update(payload={})
    )
