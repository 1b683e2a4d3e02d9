"""The embedded mode's test checkout: Stripe's shapes from local records, no money moves.

It plays Stripe's two parts: the API the webhook fetches from (this gateway reads the local
TestCheckoutSession) and the sender of signed events, delivered to the same webhook view with
a Stripe-Signature header made with TEST_CHECKOUT_WEBHOOK_SECRET. Only active when
`conf.checkout_mode()` is "test" (no Stripe key, DEMO_MODE and DEBUG on).
"""

import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from payments.models import TestCheckoutSession
from payments.stripe_client import GatewayError

DEFAULT_LIFETIME = timedelta(hours=24)


def local_id(prefix):
    return f"{prefix}_test_local_{uuid.uuid4().hex}"


def sign_payload(payload, secret, timestamp=None):
    """Stripe's signature scheme: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def checkout_path(session):
    with translation.override(session.payment.language):
        return reverse("payments:test_checkout", kwargs={"session_id": session.session_id})


def deliver(event_type, data_object):
    """Sends a signed event to the webhook view, as Stripe would over HTTP; returns its response."""
    from payments.views import stripe_webhook

    event = {
        "id": local_id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": data_object},
    }
    payload = json.dumps(event)
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = reverse("payments_api:stripe_webhook")
    request.META.update(
        {
            "CONTENT_TYPE": "application/json",
            "HTTP_STRIPE_SIGNATURE": sign_payload(payload, settings.TEST_CHECKOUT_WEBHOOK_SECRET),
        }
    )
    request._body = payload.encode()
    return stripe_webhook(request)


def session_object(session):
    payment = session.payment
    subscription = payment.mode == "subscription"
    return {
        "id": session.session_id,
        "object": "checkout.session",
        "mode": payment.mode,
        "status": session.status,
        "payment_status": session.payment_status,
        "amount_total": payment.amount_minor,
        "currency": payment.currency.lower(),
        "client_reference_id": str(payment.reference),
        "metadata": {
            "payment_reference": str(payment.reference),
            "purpose": payment.purpose,
            "object_id": payment.object_id,
        },
        "payment_intent": (session.payment_intent_id or None) if not subscription else None,
        "subscription": session.subscription_id or None,
        "invoice": first_invoice_id(session) if subscription and session.subscription_id else None,
        "customer_email": payment.customer_email or None,
        "expires_at": int(session.expires_at.timestamp()),
        "url": checkout_path(session),
        "livemode": False,
    }


def first_invoice_id(session):
    """A monthly test payment's first (and only) invoice, named after its session."""
    return session.session_id.replace("cs_", "in_", 1)


def refunded_total(session):
    return sum(r["amount"] for r in session.refunds if r["status"] in ("succeeded", "pending"))


def is_overdue(session, now=None):
    return session.status == "open" and session.expires_at <= (now or timezone.now())


def complete(session_id):
    """The visitor pressed "Pay": the session completes, then the signed event goes out.

    Past its expires_at the session cannot complete: it expires, as Stripe's would, and
    checkout.session.expired goes out instead.
    """
    with transaction.atomic():
        session = (
            TestCheckoutSession.objects.select_for_update()
            .select_related("payment")
            .get(session_id=session_id)
        )
        if is_overdue(session):
            session.status = "expired"
            session.lapsed_at = timezone.now()
            session.save(update_fields=["status", "lapsed_at"])
        elif session.status == "open":
            session.status = "complete"
            session.payment_status = "paid"
            session.payment_intent_id = local_id("pi")
            session.charge_id = local_id("ch")
            if session.payment.mode == "subscription":
                session.subscription_id = local_id("sub")
            session.save()
    event_type = (
        "checkout.session.expired" if session.status == "expired" else "checkout.session.completed"
    )
    return session, deliver(event_type, session_object(session))


def lapse_if_overdue(session_id):
    """Opening a session past its expires_at expires it, as Stripe does on its own at that
    time, and sends checkout.session.expired; returns (session, the webhook's response).

    An expired session whose payment the portal still counts as open (its expiry event
    failed) sends the event again; anything else sends nothing (response None).
    """
    with transaction.atomic():
        session = (
            TestCheckoutSession.objects.select_for_update()
            .select_related("payment")
            .get(session_id=session_id)
        )
        lapsed = is_overdue(session)
        if lapsed:
            session.status = "expired"
            session.lapsed_at = timezone.now()
            session.save(update_fields=["status", "lapsed_at"])
    unconfirmed = session.status == "expired" and session.payment.status == "open"
    if not (lapsed or unconfirmed):
        return session, None
    return session, deliver("checkout.session.expired", session_object(session))


def expire(session_id):
    """The visitor cancelled (or the hold ran out): the session expires, the event goes out."""
    with transaction.atomic():
        session = (
            TestCheckoutSession.objects.select_for_update()
            .select_related("payment")
            .get(session_id=session_id)
        )
        if session.status == "open":
            if is_overdue(session):
                session.lapsed_at = timezone.now()
            session.status = "expired"
            session.save(update_fields=["status", "lapsed_at"])
    if session.status != "expired":
        return session, None
    return session, deliver("checkout.session.expired", session_object(session))


class LocalCheckoutGateway:
    """Stripe's API as the webhook and the services use it, answered from local records."""

    def _session(self, **lookup):
        try:
            return TestCheckoutSession.objects.select_related("payment").get(**lookup)
        except TestCheckoutSession.DoesNotExist:
            raise GatewayError(f"test checkout: no such object {lookup}") from None

    def cancel_subscription(self, subscription_id):
        # The test checkout makes no renewals, so there is nothing to stop.
        return {"id": subscription_id, "status": "canceled"}

    def create_checkout_session(self, payment, idempotency_key):
        session, _created = TestCheckoutSession.objects.get_or_create(
            payment=payment,
            defaults={
                "session_id": local_id("cs"),
                "expires_at": payment.expires_at or timezone.now() + DEFAULT_LIFETIME,
            },
        )
        return session_object(session)

    def retrieve_checkout_session(self, session_id):
        return session_object(self._session(session_id=session_id))

    def expire_checkout_session(self, session_id):
        session = self._session(session_id=session_id)
        transaction.on_commit(lambda: expire(session_id), robust=True)
        return session_object(session)

    def retrieve_payment_intent(self, payment_intent_id):
        session = self._session(payment_intent_id=payment_intent_id)
        return {
            "id": payment_intent_id,
            "object": "payment_intent",
            "status": "succeeded"
            if session.payment_status == "paid"
            else "requires_payment_method",
            "amount": session.payment.amount_minor,
            "amount_received": session.payment.amount_minor
            if session.payment_status == "paid"
            else 0,
            "currency": session.payment.currency.lower(),
            "latest_charge": session.charge_id or None,
            "metadata": session_object(session)["metadata"],
        }

    def retrieve_refund(self, refund_id):
        for session in TestCheckoutSession.objects.exclude(refunds=[]).select_related("payment"):
            for refund in session.refunds:
                if refund["id"] == refund_id:
                    return refund
        raise GatewayError(f"test checkout: no such refund {refund_id}")

    def invoice_for_payment_intent(self, payment_intent_id):
        # The test checkout's payment intents carry the portal's reference themselves.
        return None

    def retrieve_charge(self, charge_id):
        session = self._session(charge_id=charge_id)
        total = refunded_total(session)
        return {
            "id": charge_id,
            "object": "charge",
            "amount": session.payment.amount_minor,
            "amount_refunded": total,
            "refunded": total >= session.payment.amount_minor,
            "currency": session.payment.currency.lower(),
            "paid": True,
            "status": "succeeded",
            "payment_intent": session.payment_intent_id,
        }

    def list_refunds(self, charge_id):
        return list(self._session(charge_id=charge_id).refunds)

    def create_refund(self, params, idempotency_key):
        with transaction.atomic():
            session = TestCheckoutSession.objects.select_for_update().get(
                pk=self._session(payment_intent_id=params["payment_intent"]).pk
            )
            for existing in session.refunds:
                if existing["idempotency_key"] == idempotency_key:
                    return existing
            amount = params.get("amount", session.payment.amount_minor - refunded_total(session))
            if amount <= 0 or refunded_total(session) + amount > session.payment.amount_minor:
                raise GatewayError("test checkout: the refund exceeds what was paid")
            refund = {
                "id": local_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": session.charge_id,
                "payment_intent": session.payment_intent_id,
                "currency": session.payment.currency.lower(),
                "reason": params.get("reason"),
                "status": "succeeded",
                "metadata": params.get("metadata", {}),
                "idempotency_key": idempotency_key,
            }
            session.refunds = [*session.refunds, refund]
            session.save(update_fields=["refunds"])
            charge = self.retrieve_charge(session.charge_id)
            # Stripe sends charge.refunded once the refund exists; so does the test checkout.
            transaction.on_commit(lambda: deliver("charge.refunded", charge), robust=True)
        return refund

    def retrieve_invoice(self, invoice_id):
        """A monthly test payment's first invoice; later months are not simulated."""
        session = self._session(session_id=invoice_id.replace("in_", "cs_", 1))
        if not session.subscription_id:
            raise GatewayError(f"test checkout: no such invoice {invoice_id}")
        metadata = session_object(session)["metadata"]
        return {
            "id": invoice_id,
            "object": "invoice",
            "status": "paid",
            "billing_reason": "subscription_create",
            "amount_paid": session.payment.amount_minor,
            "currency": session.payment.currency.lower(),
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": session.subscription_id,
                    "metadata": metadata,
                },
            },
            "payments": {
                "object": "list",
                "data": [
                    {
                        "object": "invoice_payment",
                        "invoice": invoice_id,
                        "status": "paid",
                        "payment": {
                            "type": "payment_intent",
                            "payment_intent": session.payment_intent_id,
                        },
                    }
                ],
            },
        }
