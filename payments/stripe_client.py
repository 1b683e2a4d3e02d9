"""The portal's only door to Stripe's API: stripe-python, pointed at STRIPE_API_BASE in tests.

Every method returns plain dicts in Stripe's shapes, so the services read Stripe's sessions and
the test checkout's sessions with the same code.
"""

import stripe
from django.conf import settings

# Stripe's locales for the portal's languages.
STRIPE_LOCALES = {"ru": "ru", "en": "en", "zh-hans": "zh"}


class GatewayError(Exception):
    """Stripe (or the test checkout) refused or could not be reached."""


def session_params(payment):
    """The Checkout Session for a Payment, in Stripe's API shape."""
    metadata = {
        "payment_reference": str(payment.reference),
        "purpose": payment.purpose,
        "object_id": payment.object_id,
    }
    price_data = {
        "currency": payment.currency.lower(),
        "unit_amount": payment.amount_minor,
        "product_data": {"name": payment.description},
    }
    params = {
        "mode": payment.mode,
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "client_reference_id": str(payment.reference),
        "metadata": metadata,
        "locale": STRIPE_LOCALES.get(payment.language, "auto"),
        "success_url": payment.success_url,
        "cancel_url": payment.cancel_url,
    }
    if payment.mode == "subscription":
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    if payment.expires_at:
        params["expires_at"] = int(payment.expires_at.timestamp())
    if payment.customer_email:
        params["customer_email"] = payment.customer_email
    return params


class StripeGateway:
    def __init__(self):
        base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY, base_addresses=base_addresses, max_network_retries=2
        )

    def _call(self, method, *args, **kwargs):
        try:
            result = method(*args, **kwargs)
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe: {exc.user_message or exc}") from exc
        return result.to_dict()

    def create_checkout_session(self, payment, idempotency_key):
        return self._call(
            self.client.v1.checkout.sessions.create,
            session_params(payment),
            {"idempotency_key": idempotency_key},
        )

    def retrieve_checkout_session(self, session_id):
        return self._call(self.client.v1.checkout.sessions.retrieve, session_id)

    def expire_checkout_session(self, session_id):
        return self._call(self.client.v1.checkout.sessions.expire, session_id)

    def retrieve_payment_intent(self, payment_intent_id):
        return self._call(self.client.v1.payment_intents.retrieve, payment_intent_id)

    def retrieve_charge(self, charge_id):
        return self._call(self.client.v1.charges.retrieve, charge_id)

    def retrieve_refund(self, refund_id):
        return self._call(self.client.v1.refunds.retrieve, refund_id)

    def list_refunds(self, charge_id):
        listing = self._call(self.client.v1.refunds.list, {"charge": charge_id, "limit": 100})
        return listing["data"]

    def create_refund(self, params, idempotency_key):
        return self._call(
            self.client.v1.refunds.create, params, {"idempotency_key": idempotency_key}
        )

    def retrieve_invoice(self, invoice_id):
        # `payments` (how the invoice was paid) is sent only when asked for.
        return self._call(self.client.v1.invoices.retrieve, invoice_id, {"expand": ["payments"]})

    def invoice_for_payment_intent(self, payment_intent_id):
        """The invoice a PaymentIntent paid, or None (API versions since 2025-03-31 no longer
        name the invoice on the charge or the PaymentIntent)."""
        listing = self._call(
            self.client.v1.invoice_payments.list,
            {"payment": {"type": "payment_intent", "payment_intent": payment_intent_id}},
        )
        for item in listing["data"]:
            invoice = item.get("invoice")
            if invoice:
                return invoice["id"] if isinstance(invoice, dict) else invoice
        return None

    def cancel_subscription(self, subscription_id):
        try:
            return self._call(self.client.v1.subscriptions.cancel, subscription_id)
        except GatewayError as exc:
            cause = exc.__cause__
            if isinstance(cause, stripe.InvalidRequestError) and cause.code == "resource_missing":
                return {"id": subscription_id, "status": "canceled"}  # already gone at Stripe
            raise
