"""Payments: start a checkout, act on Stripe's signed events, refund.

The webhook never trusts an event's body: it verifies the signature, then fetches the session,
charge or invoice from Stripe (or from the test checkout's local record) and acts on that
state, so a stale, repeated or out-of-order event does no harm. The event's id is recorded
under a unique constraint in the same transaction as its effects.
"""

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import stripe
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from payments import conf, metrics
from payments.local_checkout import LocalCheckoutGateway
from payments.models import Payment, Refund, Renewal, WebhookEvent
from payments.money import CurrencyError, format_amount, normalise_currency
from payments.registry import (
    EXPIRED,
    FAILED,
    PAID,
    REFUND_FAILED,
    REFUNDED,
    RENEWED,
    Outcome,
    get_purpose,
)
from payments.stripe_client import GatewayError, StripeGateway

logger = logging.getLogger(__name__)

# Stripe accepts a Checkout Session expiry between 30 minutes and 24 hours after creation.
MIN_CHECKOUT_LIFETIME = timedelta(minutes=30)
MAX_CHECKOUT_LIFETIME = timedelta(hours=24)
# A hold made "30 minutes from now" a moment before start_checkout is still accepted; its
# session then lives these few seconds longer than the hold.
EXPIRY_GRACE = timedelta(minutes=2)


class PaymentError(Exception):
    pass


class CheckoutUnavailable(PaymentError):
    """No Stripe key and not the embedded demo: payment buttons are disabled."""


class CheckoutError(PaymentError, ValueError):
    """The caller asked for a checkout that cannot be made (amount, currency, expiry...)."""


class RefundError(PaymentError):
    pass


class InvalidSignature(PaymentError):
    pass


class MalformedEvent(PaymentError):
    pass


class UnknownPayment(PaymentError):
    """An event names a portal payment reference that is not in the database."""


@dataclass(frozen=True)
class CheckoutStart:
    payment: Payment
    url: str


def cancel_subscription(payment):
    """Stops a monthly payment's Stripe subscription; False when it has none.

    Already cancelled at Stripe counts as done. Raises PaymentError when Stripe cannot be asked.
    """
    if not payment.subscription_id:
        return False
    try:
        gateway_for(payment.provider).cancel_subscription(payment.subscription_id)
    except GatewayError as exc:
        raise PaymentError(str(exc)) from exc
    return True


def gateway_for(provider):
    if provider == Payment.Provider.STRIPE:
        return StripeGateway()
    return LocalCheckoutGateway()


# --- Checkout --------------------------------------------------------------------------------


def start_checkout(
    purpose,
    obj,
    amount_minor,
    currency,
    *,
    mode=Payment.Mode.PAYMENT,
    description,
    customer_email="",
    language=None,
    success_url,
    cancel_url,
    expires_at=None,
    idempotency_key,
):
    """Creates (or, for the same idempotency key, returns) a Payment and its checkout.

    Returns CheckoutStart(payment, url): send the visitor to `url` (Stripe Checkout, or the
    local test checkout in the embedded mode). Raises CheckoutUnavailable when no payment is
    possible and CheckoutError for arguments the purpose does not accept. Call it after the
    caller's hold is committed: Stripe's session outlives a rolled-back transaction.
    """
    provider = conf.checkout_mode()
    if provider is None:
        raise CheckoutUnavailable("online payment is not configured (no Stripe key)")
    try:
        registered = get_purpose(purpose)
        currency = normalise_currency(currency)
    except (LookupError, CurrencyError) as exc:
        raise CheckoutError(str(exc)) from exc
    if currency not in registered.limits:
        raise CheckoutError(f"{purpose!r} does not accept {currency}")
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise CheckoutError("amount_minor must be an integer number of minor units")
    minimum, maximum = registered.limits[currency]
    if not minimum <= amount_minor <= maximum:
        raise CheckoutError(
            f"{purpose!r} accepts {minimum}..{maximum} {currency} minor units, not {amount_minor}"
        )
    if mode not in Payment.Mode.values:
        raise CheckoutError(f"unknown mode {mode!r}")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise CheckoutError(f"unknown language {language!r}")
    if obj.pk is None:
        raise CheckoutError("the object paid for must be saved first")
    if not idempotency_key:
        raise CheckoutError("an idempotency key is required")
    expires_at = _checkout_expiry(expires_at)
    content_type = ContentType.objects.get_for_model(obj)

    payment, created = Payment.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "purpose": purpose,
            "content_type": content_type,
            "object_id": str(obj.pk),
            "mode": mode,
            "amount_minor": amount_minor,
            "currency": currency,
            "provider": provider,
            "description": description[:255],
            "customer_email": customer_email or "",
            "language": language,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        },
    )
    if not created:
        asked = (purpose, content_type.pk, str(obj.pk), amount_minor, currency, mode)
        stored = (
            payment.purpose,
            payment.content_type_id,
            payment.object_id,
            payment.amount_minor,
            payment.currency,
            payment.mode,
        )
        if asked != stored:
            raise CheckoutError("this idempotency key was used for another checkout")
        if payment.checkout_url:
            return CheckoutStart(payment, payment.checkout_url)

    try:
        # The same key on a retry (after a timeout) returns the session Stripe already made.
        session = gateway_for(payment.provider).create_checkout_session(
            payment, idempotency_key=f"portal-checkout-{payment.reference}"
        )
    except GatewayError as exc:
        raise CheckoutError(str(exc)) from exc
    payment.checkout_session_id = session["id"]
    payment.checkout_url = session["url"]
    payment.save(update_fields=["checkout_session_id", "checkout_url", "updated_at"])
    return CheckoutStart(payment, session["url"])


def _checkout_expiry(expires_at):
    if expires_at is None:
        return None
    if timezone.is_naive(expires_at):
        raise CheckoutError("expires_at must be timezone-aware")
    now = timezone.now()
    if expires_at < now + MIN_CHECKOUT_LIFETIME - EXPIRY_GRACE:
        raise CheckoutError("a checkout must stay open at least 30 minutes (Stripe's minimum)")
    if expires_at > now + MAX_CHECKOUT_LIFETIME:
        raise CheckoutError("a checkout can stay open at most 24 hours (Stripe's maximum)")
    return max(expires_at, now + MIN_CHECKOUT_LIFETIME + timedelta(seconds=5))


def cancel_checkout(payment):
    """Expires an open checkout at once (the visitor gave up, the hold is released early).

    The effect arrives as Stripe's checkout.session.expired event, through the webhook.
    """
    if payment.status != Payment.Status.OPEN or not payment.checkout_session_id:
        return False
    try:
        gateway_for(payment.provider).expire_checkout_session(payment.checkout_session_id)
    except GatewayError as exc:
        raise CheckoutError(str(exc)) from exc
    return True


# --- Webhook ---------------------------------------------------------------------------------


def receive_webhook(payload, signature):
    """Verifies and processes one delivery; returns the outcome ("processed", "duplicate"...).

    Raises InvalidSignature or MalformedEvent (answer 400); any other exception means the
    event was not applied and is recorded as failed (answer 500, Stripe retries).
    """
    try:
        event, source = verify_event(payload, signature)
        result = process_event(event, source)
    except (InvalidSignature, MalformedEvent):
        metrics.WEBHOOK_EVENTS.labels(result="refused").inc()
        raise
    except Exception:
        metrics.WEBHOOK_EVENTS.labels(result="failed").inc()
        raise
    metrics.WEBHOOK_EVENTS.labels(result=result).inc()
    return result


def verify_event(payload, signature):
    """Checks Stripe's signature on the raw body, then parses it; returns (event, source)."""
    if not signature:
        raise InvalidSignature("no Stripe-Signature header")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedEvent("the body is not UTF-8") from None
    secrets = conf.webhook_secrets()
    if not secrets:
        raise InvalidSignature("no webhook secret is configured")
    source = None
    for secret, candidate in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                text, signature, secret, conf.WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError:
            continue
        source = candidate
        break
    if source is None:
        raise InvalidSignature("the signature does not match, or is too old")
    # stripe-python refuses only a stale timestamp; one from the future is refused alike, or a
    # signature captured with a clock ahead could be replayed for as long as it stays ahead.
    if _signed_at(signature) > time.time() + conf.WEBHOOK_TOLERANCE_SECONDS:
        raise InvalidSignature("the signature's timestamp is in the future")
    try:
        event = json.loads(text)
    except ValueError:
        raise MalformedEvent("the body is not JSON") from None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and event["id"]
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise MalformedEvent("the body is not a Stripe event")
    return event, source


def _signed_at(signature):
    """The t= of a Stripe-Signature header whose signature has been verified (so it parses)."""
    # Read as stripe-python reads it: the first "t" item, "=" splitting at most twice.
    items = [item.split("=", 2) for item in signature.split(",")]
    return int(next(item[1] for item in items if item[0] == "t"))


def process_event(event, source):
    """Applies one verified event exactly once; safe to call again with the same event."""
    event_id = event["id"]
    done = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED)
    if WebhookEvent.objects.filter(event_id=event_id, status__in=done).exists():
        return "duplicate"
    action = EVENT_ACTIONS.get(event["type"])
    if action and not isinstance(event["data"]["object"].get("id"), str):
        raise MalformedEvent("the event's object has no id")
    try:
        # Fetch before taking any lock: Stripe's answer is the state we act on.
        facts = action.fetch(event["data"]["object"], gateway_for(source)) if action else None
        with transaction.atomic():
            record = _claim(event, source)
            if record is None:
                return "duplicate"
            if action is None:
                status, detail, payment = WebhookEvent.Status.IGNORED, "type not handled", None
            else:
                status, detail, payment = action.apply(facts, event_id)
            record.status = status
            record.detail = detail
            record.payment = payment
            record.processed_at = timezone.now()
            record.save()
    except Exception as exc:
        logger.exception("Stripe event %s (%s) failed", event_id, event["type"])
        _record_failure(event, source, exc)
        raise
    return status


def retry_event(record):
    """Re-applies a recorded event (staff's "retry" on a failed one); its signature was checked."""
    return process_event(record.payload, record.source)


def _claim(event, source):
    """The event's log row, inserted or locked; None when another delivery already applied it."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                event_id=event["id"],
                type=event["type"][:128],
                source=source,
                livemode=bool(event.get("livemode")),
                payload=event,
                status=WebhookEvent.Status.FAILED,  # replaced before this transaction commits
            )
    except IntegrityError:
        pass
    record = WebhookEvent.objects.select_for_update().get(event_id=event["id"])
    if record.status != WebhookEvent.Status.FAILED:
        return None
    record.attempts += 1
    return record


def _record_failure(event, source, exc):
    detail = f"{type(exc).__name__}: {exc}"[:2000]
    try:
        with transaction.atomic():
            updated = WebhookEvent.objects.filter(
                event_id=event["id"], status=WebhookEvent.Status.FAILED
            ).update(detail=detail, attempts=F("attempts") + 1)
            if not updated and not WebhookEvent.objects.filter(event_id=event["id"]).exists():
                WebhookEvent.objects.create(
                    event_id=event["id"],
                    type=event["type"][:128],
                    source=source,
                    livemode=bool(event.get("livemode")),
                    payload=event,
                    status=WebhookEvent.Status.FAILED,
                    detail=detail,
                )
    except IntegrityError:
        # Another delivery of the same event recorded it meanwhile; its record stands.
        pass


# --- What each event type means ----------------------------------------------------------


def _reference(data):
    """Our payment reference in Stripe metadata (or client_reference_id), if it is ours."""
    value = data.get("client_reference_id") or (data.get("metadata") or {}).get("payment_reference")
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _locked_payment(reference=None, **lookup):
    queryset = Payment.objects.select_for_update()
    for field, value in lookup.items():
        if value:
            payment = queryset.filter(**{field: value}).first()
            if payment:
                return payment
    if reference:
        payment = queryset.filter(reference=reference).first()
        if payment is None:
            raise UnknownPayment(f"no payment with reference {reference}")
        return payment
    return None


def _notify(payment, kind, amount_minor, event_id, **details):
    handler = get_purpose(payment.purpose).handler
    handler(
        payment,
        Outcome(
            kind=kind,
            amount_minor=amount_minor,
            currency=payment.currency,
            event_id=event_id,
            reference=str(payment.reference),
            **details,
        ),
    )


def _settle_paid(payment, amount_minor, event_id):
    if payment.is_settled:
        payment.save()
        return "already paid"
    payment.status = Payment.Status.PAID
    payment.paid_at = timezone.now()
    payment.save()
    _notify(payment, PAID, amount_minor, event_id)
    return "paid"


# A refund's status only moves forward: a stale fetch never turns a failed refund back into a
# counted one (pending and requires_action -> succeeded -> failed or canceled).
_REFUND_STATUS_RANK = {
    Refund.Status.PENDING: 0,
    Refund.Status.REQUIRES_ACTION: 0,
    Refund.Status.SUCCEEDED: 1,
    Refund.Status.FAILED: 2,
    Refund.Status.CANCELED: 2,
}


def _sync_refund(payment, renewal, stripe_refund, event_id, **create_details):
    """Records one Stripe refund of a charge (the first one, or a later month's) once, by its
    Stripe id, and tells the handler when money is given back or, after a failure, kept.

    Called with the payment locked. Returns a short description for the event log, or "".
    """
    status = stripe_refund.get("status") or Refund.Status.PENDING
    record = Refund.objects.filter(stripe_refund_id=stripe_refund["id"]).first()
    if record is None:
        record = Refund.objects.create(
            payment=payment,
            renewal=renewal,
            stripe_refund_id=stripe_refund["id"],
            amount_minor=stripe_refund["amount"],
            status=status,
            failure_reason=stripe_refund.get("failure_reason") or "",
            **{
                "reason": stripe_refund.get("reason") or "",
                "note": "Stripe",
                **create_details,
            },
        )
        if record.counted:
            return _refund_moved(payment, record, REFUNDED, event_id)
        return ""
    old, new = record.status, status
    if old == new or _REFUND_STATUS_RANK.get(new, 0) < _REFUND_STATUS_RANK.get(old, 0):
        return ""
    was_counted = record.counted
    record.status = new
    record.failure_reason = stripe_refund.get("failure_reason") or record.failure_reason
    record.save(update_fields=["status", "failure_reason", "updated_at"])
    if was_counted and not record.counted:
        return _refund_moved(payment, record, REFUND_FAILED, event_id)
    return ""


def _refund_moved(payment, record, kind, event_id):
    """Adds (refunded) or gives back (refund failed) a refund's amount to its charge."""
    renewal = record.renewal
    charge = renewal or payment
    if kind == REFUNDED:
        charge.refunded_minor += record.amount_minor
    else:
        charge.refunded_minor = max(charge.refunded_minor - record.amount_minor, 0)
    if renewal is None:
        payment.status = (
            Payment.Status.PAID
            if payment.refunded_minor == 0
            else Payment.Status.REFUNDED
            if payment.refunded_minor >= payment.amount_minor
            else Payment.Status.PARTIALLY_REFUNDED
        )
    else:
        renewal.save(update_fields=["refunded_minor"])
    payment.save()
    _notify(
        payment,
        kind,
        record.amount_minor,
        event_id,
        refunded_total_minor=charge.refunded_minor,
        refund_id=record.stripe_refund_id,
        invoice_id=renewal.stripe_invoice_id if renewal else "",
        payment_intent_id=charge.payment_intent_id or "",
    )
    verb = "refunded" if kind == REFUNDED else "refund failed, restored"
    return f"{verb} {record.amount_minor}" + (f" of {renewal.stripe_invoice_id}" if renewal else "")


class SessionEvent:
    """checkout.session.completed / expired / async_payment_succeeded / async_payment_failed."""

    @staticmethod
    def fetch(data, gateway):
        session = gateway.retrieve_checkout_session(data["id"])
        intent = None
        invoice = None
        if (
            session["status"] == "complete"
            and session["payment_status"] == "unpaid"
            and session.get("payment_intent")
        ):
            intent = gateway.retrieve_payment_intent(session["payment_intent"])
        if session["status"] == "complete" and session.get("invoice"):
            # A monthly gift's first invoice: its payment is what a refund of the first month
            # names (invoice.paid tells the same, but may come later or not at all).
            invoice = gateway.retrieve_invoice(_stripe_id(session["invoice"]))
        return {"session": session, "intent": intent, "invoice": invoice}

    @staticmethod
    def apply(facts, event_id):
        session, intent, invoice = facts["session"], facts["intent"], facts.get("invoice")
        payment = _locked_payment(_reference(session), checkout_session_id=session["id"])
        if payment is None:
            return WebhookEvent.Status.IGNORED, "not a portal payment", None
        payment.checkout_session_id = payment.checkout_session_id or session["id"]
        if session["status"] == "complete":
            payment.payment_intent_id = (
                payment.payment_intent_id
                or _stripe_id(session.get("payment_intent"))
                or (invoice_payment_intent(invoice) if invoice else None)
            )
            payment.subscription_id = payment.subscription_id or session.get("subscription")
            if session["payment_status"] in ("paid", "no_payment_required"):
                detail = _settle_paid(payment, session["amount_total"], event_id)
            elif intent and intent["status"] == "succeeded":
                detail = _settle_paid(payment, intent["amount_received"], event_id)
            elif intent and intent["status"] in ("requires_payment_method", "canceled"):
                detail = _settle_failed(payment, event_id)
            else:
                detail = _mark_processing(payment)
        elif session["status"] == "expired":
            detail = _settle_expired(payment, event_id)
        else:
            # Still open: the visitor has not paid, whatever the event said.
            detail = "session still open"
        return WebhookEvent.Status.PROCESSED, detail, payment


def _mark_processing(payment):
    if payment.status == Payment.Status.OPEN:
        payment.status = Payment.Status.PROCESSING
    payment.save()
    return "awaiting an asynchronous payment"


def _settle_failed(payment, event_id):
    if payment.status not in (Payment.Status.OPEN, Payment.Status.PROCESSING):
        payment.save()
        return f"already {payment.status}"
    payment.status = Payment.Status.FAILED
    payment.save()
    _notify(payment, FAILED, 0, event_id)
    return "failed"


def _settle_expired(payment, event_id):
    if payment.status != Payment.Status.OPEN:
        payment.save()
        return f"already {payment.status}"
    payment.status = Payment.Status.EXPIRED
    payment.save()
    _notify(payment, EXPIRED, 0, event_id)
    return "expired"


def invoice_subscription(invoice):
    """(subscription id, its metadata) of an invoice, in either of Stripe's shapes."""
    # Since API version 2025-03-31 the subscription sits under parent.subscription_details.
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = details.get("subscription") or invoice.get("subscription")
    metadata = details.get("metadata") or (invoice.get("subscription_details") or {}).get(
        "metadata"
    )
    return _stripe_id(subscription), metadata or {}


def invoice_payment_intent(invoice):
    """The PaymentIntent that paid an invoice: `payment_intent` in API versions before
    2025-03-31, the (expanded) invoice payments after."""
    if invoice.get("payment_intent"):
        return _stripe_id(invoice["payment_intent"])
    found = None
    for item in (invoice.get("payments") or {}).get("data") or ():
        intent = _stripe_id((item.get("payment") or {}).get("payment_intent"))
        if intent and item.get("status") == "paid":
            return intent
        found = found or intent
    return found


def _stripe_id(value):
    """An id, whether Stripe sent the id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


class ChargeRefunds:
    """charge.refunded, charge.refund.updated, refund.updated, refund.failed.

    Refunds made here or in Stripe's dashboard, of a one-off payment, of a monthly gift's
    first month or of a later month, and refunds that fail after Stripe accepted them. A
    monthly gift's charges carry no portal metadata: the charge leads to its invoice, the
    invoice to the subscription, and the subscription to the Payment.
    """

    @staticmethod
    def fetch(data, gateway):
        if data.get("object") == "refund":
            charge_id = _stripe_id(gateway.retrieve_refund(data["id"]).get("charge"))
            if not charge_id:
                return {"charge": None}
        else:
            charge_id = data["id"]
        charge = gateway.retrieve_charge(charge_id)
        intent_id = _stripe_id(charge.get("payment_intent"))
        intent = gateway.retrieve_payment_intent(intent_id) if intent_id else None
        invoice = None
        if not _reference(intent or {}):
            # Not a one-off portal payment: perhaps a month of a subscription.
            invoice_id = _stripe_id(charge.get("invoice"))  # API versions before 2025-03-31
            if not invoice_id and intent_id:
                invoice_id = gateway.invoice_for_payment_intent(intent_id)
            if invoice_id:
                invoice = gateway.retrieve_invoice(invoice_id)
        return {
            "charge": charge,
            "intent": intent,
            "invoice": invoice,
            "refunds": gateway.list_refunds(charge_id),
        }

    @staticmethod
    def apply(facts, event_id):
        charge = facts["charge"]
        if charge is None:
            return WebhookEvent.Status.IGNORED, "the refund names no charge", None
        intent_id = _stripe_id(charge.get("payment_intent"))
        invoice = facts["invoice"]
        subscription, metadata = invoice_subscription(invoice) if invoice else (None, {})
        payment = _locked_payment(
            _reference(facts["intent"] or {}) or _reference({"metadata": metadata}),
            payment_intent_id=intent_id,
            subscription_id=subscription,
        )
        if payment is None:
            return WebhookEvent.Status.IGNORED, "not a portal payment", None
        details = []
        renewal = _renewal_of(payment, intent_id, invoice, event_id)
        if renewal is None:
            if not payment.is_settled:
                if not (charge["paid"] and charge["status"] == "succeeded"):
                    return WebhookEvent.Status.IGNORED, "the charge was never paid", payment
                # The refund overtook the completion event: settle the payment first.
                details.append(_settle_paid(payment, charge["amount"], event_id))
            if intent_id and not payment.payment_intent_id:
                payment.payment_intent_id = intent_id
                payment.save()
        for stripe_refund in facts["refunds"]:
            details.append(_sync_refund(payment, renewal, stripe_refund, event_id))
        return (
            WebhookEvent.Status.PROCESSED,
            "; ".join(d for d in details if d) or "no change",
            payment,
        )


def _renewal_of(payment, intent_id, invoice, event_id):
    """The later month a charge paid, or None for the payment's first charge.

    A month whose invoice.paid has not been applied yet is recorded here first (the refund
    overtook it), so the handler hears `renewed` before `refunded`, as it happened.
    """
    if payment.mode != Payment.Mode.SUBSCRIPTION or (
        intent_id and intent_id == payment.payment_intent_id
    ):
        return None
    lookup = Q(payment_intent_id=intent_id) if intent_id else Q(pk__in=[])
    if invoice:
        lookup |= Q(stripe_invoice_id=invoice["id"])
    renewal = Renewal.objects.filter(lookup, payment=payment).first()
    if renewal or invoice is None or invoice.get("billing_reason") == "subscription_create":
        return renewal
    if not payment.is_settled:
        # Stripe retries; by then the first month is confirmed.
        raise PaymentError("a later month's refund arrived before the first month was paid")
    if invoice.get("status") != "paid":
        raise PaymentError(f"invoice {invoice['id']} refunded but not paid")
    renewal, _created = _record_renewal(payment, invoice, event_id)
    return renewal


def _record_renewal(payment, invoice, event_id):
    """A later month, once per invoice; the handler hears `renewed` when it is new."""
    intent_id = invoice_payment_intent(invoice)
    renewal, created = Renewal.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={
            "payment": payment,
            "amount_minor": invoice["amount_paid"],
            "payment_intent_id": intent_id,
        },
    )
    if not created:
        if intent_id and not renewal.payment_intent_id:
            renewal.payment_intent_id = intent_id
            renewal.save(update_fields=["payment_intent_id"])
        return renewal, False
    _notify(
        payment,
        RENEWED,
        renewal.amount_minor,
        event_id,
        invoice_id=renewal.stripe_invoice_id,
        payment_intent_id=intent_id or "",
    )
    return renewal, True


class InvoicePaid:
    """invoice.paid: the first month of a monthly gift, or a later one (a renewal)."""

    @staticmethod
    def fetch(data, gateway):
        return {"invoice": gateway.retrieve_invoice(data["id"])}

    @staticmethod
    def apply(facts, event_id):
        invoice = facts["invoice"]
        subscription, metadata = invoice_subscription(invoice)
        payment = _locked_payment(_reference({"metadata": metadata}), subscription_id=subscription)
        if payment is None:
            return WebhookEvent.Status.IGNORED, "not a portal payment", None
        if invoice["status"] != "paid":
            return WebhookEvent.Status.IGNORED, "the invoice is not paid", payment
        payment.subscription_id = payment.subscription_id or subscription
        if invoice.get("billing_reason") == "subscription_create" or not payment.is_settled:
            # The first month's charge: what a refund of it names.
            payment.payment_intent_id = payment.payment_intent_id or invoice_payment_intent(invoice)
            return (
                WebhookEvent.Status.PROCESSED,
                _settle_paid(payment, invoice["amount_paid"], event_id),
                payment,
            )
        payment.save()
        _renewal, created = _record_renewal(payment, invoice, event_id)
        detail = "renewed" if created else "renewal already recorded"
        return WebhookEvent.Status.PROCESSED, detail, payment


EVENT_ACTIONS = {
    "checkout.session.completed": SessionEvent,
    "checkout.session.expired": SessionEvent,
    "checkout.session.async_payment_succeeded": SessionEvent,
    "checkout.session.async_payment_failed": SessionEvent,
    "charge.refunded": ChargeRefunds,
    "charge.refund.updated": ChargeRefunds,
    "refund.updated": ChargeRefunds,
    "refund.failed": ChargeRefunds,
    "invoice.paid": InvoicePaid,
}


# --- Refunds ---------------------------------------------------------------------------------


def refund(
    payment,
    amount_minor=None,
    *,
    renewal=None,
    reason=Refund.Reason.REQUESTED_BY_CUSTOMER,
    note="",
    by_user=None,
    idempotency_key=None,
):
    """Refunds all that is left (amount_minor=None) or part of one charge of a paid payment:
    its first charge, or the later month `renewal` of a monthly gift.

    Idempotent: the same idempotency_key (the admin form's token) never refunds twice, and a
    full refund of a charge already refunded in full does nothing and returns None. Never more
    than the charge took is refunded. Messages of RefundError are for staff, translated.
    """
    if reason not in Refund.Reason.values:
        raise RefundError(_("Unknown refund reason."))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if idempotency_key:
            done = Refund.objects.filter(idempotency_key=idempotency_key).first()
            if done:
                return done
        if renewal is not None:
            renewal = Renewal.objects.filter(pk=renewal.pk, payment=payment).first()
            if renewal is None:
                raise RefundError(_("That month does not belong to this payment."))
        if not payment.is_settled:
            raise RefundError(_("Only a paid payment can be refunded."))
        charge = renewal or payment
        refundable = charge.refundable_minor
        if amount_minor is None:
            if refundable == 0:
                return None
            amount_minor = refundable
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
            raise RefundError(_("The amount must be a whole number of minor units."))
        if amount_minor <= 0:
            raise RefundError(_("The amount to refund must be more than zero."))
        if amount_minor > refundable:
            raise RefundError(
                _(
                    "At most %(left)s can be refunded from this charge: it took %(paid)s and "
                    "%(refunded)s of it was refunded already."
                )
                % {
                    "left": format_amount(refundable, payment.currency),
                    "paid": format_amount(charge.amount_minor, payment.currency),
                    "refunded": format_amount(charge.refunded_minor, payment.currency),
                }
            )
        if not charge.payment_intent_id:
            raise RefundError(
                _(
                    "Stripe has not yet confirmed which charge paid this; "
                    "try again in a few minutes."
                )
            )
        # Distinct per charge and per refund made of it, so a new refund after a failed one
        # is not mistaken by Stripe for a repeat of the old request.
        made = payment.refunds.filter(renewal=renewal).count()
        key = idempotency_key or (
            f"portal-refund-{payment.reference}-{renewal.pk if renewal else 0}-{made}-{amount_minor}"
        )
        try:
            # The lock is held across the call, so two staff members cannot both refund.
            stripe_refund = gateway_for(payment.provider).create_refund(
                {
                    "payment_intent": charge.payment_intent_id,
                    "amount": amount_minor,
                    "reason": reason,
                    "metadata": {"payment_reference": str(payment.reference)},
                },
                idempotency_key=key,
            )
        except GatewayError as exc:
            raise RefundError(_("Stripe refused the refund: %(error)s") % {"error": exc}) from exc
        _sync_refund(
            payment,
            renewal,
            stripe_refund,
            "",
            reason=reason,
            note=note,
            by_user=by_user,
            idempotency_key=idempotency_key,
        )
    return Refund.objects.get(stripe_refund_id=stripe_refund["id"])


def charges_of(payment):
    """Each charge of a payment (the first, then each later month) with what is refundable:
    what the admin's refund buttons are made from."""
    if not payment.is_settled:
        return []
    first = {
        "renewal": None,
        "amount_minor": payment.amount_minor,
        "refunded_minor": payment.refunded_minor,
        "refundable_minor": payment.refundable_minor,
        "paid_at": payment.paid_at,
    }
    later = [
        {
            "renewal": renewal,
            "amount_minor": renewal.amount_minor,
            "refunded_minor": renewal.refunded_minor,
            "refundable_minor": renewal.refundable_minor,
            "paid_at": renewal.paid_at,
        }
        for renewal in payment.renewals.order_by("paid_at", "pk")
    ]
    return [first, *later]
