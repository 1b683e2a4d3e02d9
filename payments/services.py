"""Payments: start a checkout, act on Stripe's signed events, refund.

The webhook never trusts an event's body: it verifies the signature, then fetches the session,
charge or invoice from Stripe (or from the test checkout's local record) and acts on that
state, so a stale, repeated or out-of-order event does no harm. The event's id is recorded
under a unique constraint in the same transaction as its effects.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import stripe
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from payments import conf
from payments.local_checkout import LocalCheckoutGateway
from payments.models import Payment, Refund, Renewal, WebhookEvent
from payments.money import CurrencyError, normalise_currency
from payments.registry import EXPIRED, FAILED, PAID, REFUNDED, RENEWED, Outcome, get_purpose
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
    event, source = verify_event(payload, signature)
    return process_event(event, source)


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


def _notify(payment, kind, amount_minor, event_id, refunded_total_minor=0):
    handler = get_purpose(payment.purpose).handler
    handler(
        payment,
        Outcome(
            kind=kind,
            amount_minor=amount_minor,
            currency=payment.currency,
            refunded_total_minor=refunded_total_minor,
            event_id=event_id,
            reference=str(payment.reference),
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


def _settle_refunds(payment, refunded_total_minor, event_id):
    """Records what Stripe says was refunded in all; the handler hears of the difference."""
    added = refunded_total_minor - payment.refunded_minor
    if added <= 0:
        return "no new refund"
    payment.refunded_minor = refunded_total_minor
    payment.status = (
        Payment.Status.REFUNDED
        if refunded_total_minor >= payment.amount_minor
        else Payment.Status.PARTIALLY_REFUNDED
    )
    payment.save()
    _notify(payment, REFUNDED, added, event_id, refunded_total_minor=refunded_total_minor)
    return f"refunded {added}"


class SessionEvent:
    """checkout.session.completed / expired / async_payment_succeeded / async_payment_failed."""

    @staticmethod
    def fetch(data, gateway):
        session = gateway.retrieve_checkout_session(data["id"])
        intent = None
        if (
            session["status"] == "complete"
            and session["payment_status"] == "unpaid"
            and session.get("payment_intent")
        ):
            intent = gateway.retrieve_payment_intent(session["payment_intent"])
        return {"session": session, "intent": intent}

    @staticmethod
    def apply(facts, event_id):
        session, intent = facts["session"], facts["intent"]
        payment = _locked_payment(_reference(session), checkout_session_id=session["id"])
        if payment is None:
            return WebhookEvent.Status.IGNORED, "not a portal payment", None
        payment.checkout_session_id = payment.checkout_session_id or session["id"]
        if session["status"] == "complete":
            payment.payment_intent_id = payment.payment_intent_id or session.get("payment_intent")
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


class ChargeRefunded:
    """charge.refunded: refunds made here or in Stripe's dashboard."""

    @staticmethod
    def fetch(data, gateway):
        charge = gateway.retrieve_charge(data["id"])
        intent = (
            gateway.retrieve_payment_intent(charge["payment_intent"])
            if charge.get("payment_intent")
            else None
        )
        return {"charge": charge, "intent": intent, "refunds": gateway.list_refunds(charge["id"])}

    @staticmethod
    def apply(facts, event_id):
        charge, intent = facts["charge"], facts["intent"]
        payment = _locked_payment(
            _reference(intent or {}), payment_intent_id=charge.get("payment_intent")
        )
        if payment is None:
            return WebhookEvent.Status.IGNORED, "not a portal payment", None
        details = []
        if not payment.is_settled:
            if not (charge["paid"] and charge["status"] == "succeeded"):
                return WebhookEvent.Status.IGNORED, "the charge was never paid", payment
            # The refund overtook the completion event: settle the payment first.
            payment.payment_intent_id = payment.payment_intent_id or charge["payment_intent"]
            details.append(_settle_paid(payment, charge["amount"], event_id))
        for refund in facts["refunds"]:
            Refund.objects.update_or_create(
                stripe_refund_id=refund["id"],
                defaults={"status": refund["status"]},
                create_defaults={
                    "payment": payment,
                    "amount_minor": refund["amount"],
                    "reason": refund.get("reason") or "",
                    "status": refund["status"],
                    "note": "Stripe",
                },
            )
        details.append(_settle_refunds(payment, charge["amount_refunded"], event_id))
        return WebhookEvent.Status.PROCESSED, "; ".join(details), payment


class InvoicePaid:
    """invoice.paid: the first month of a monthly gift, or a later one (a renewal)."""

    @staticmethod
    def fetch(data, gateway):
        return {"invoice": gateway.retrieve_invoice(data["id"])}

    @staticmethod
    def apply(facts, event_id):
        invoice = facts["invoice"]
        # Since API version 2025-03-31 the subscription sits under parent.subscription_details.
        details = (invoice.get("parent") or {}).get("subscription_details") or {}
        subscription = details.get("subscription") or invoice.get("subscription")
        metadata = details.get("metadata") or (invoice.get("subscription_details") or {}).get(
            "metadata"
        )
        payment = _locked_payment(
            _reference({"metadata": metadata or {}}), subscription_id=subscription
        )
        if payment is None:
            return WebhookEvent.Status.IGNORED, "not a portal payment", None
        if invoice["status"] != "paid":
            return WebhookEvent.Status.IGNORED, "the invoice is not paid", payment
        payment.subscription_id = payment.subscription_id or subscription
        if invoice.get("billing_reason") == "subscription_create" or not payment.is_settled:
            return (
                WebhookEvent.Status.PROCESSED,
                _settle_paid(payment, invoice["amount_paid"], event_id),
                payment,
            )
        payment.save()
        _renewal, created = Renewal.objects.get_or_create(
            stripe_invoice_id=invoice["id"],
            defaults={"payment": payment, "amount_minor": invoice["amount_paid"]},
        )
        if not created:
            return WebhookEvent.Status.PROCESSED, "renewal already recorded", payment
        _notify(payment, RENEWED, invoice["amount_paid"], event_id)
        return WebhookEvent.Status.PROCESSED, "renewed", payment


EVENT_ACTIONS = {
    "checkout.session.completed": SessionEvent,
    "checkout.session.expired": SessionEvent,
    "checkout.session.async_payment_succeeded": SessionEvent,
    "checkout.session.async_payment_failed": SessionEvent,
    "charge.refunded": ChargeRefunded,
    "invoice.paid": InvoicePaid,
}


# --- Refunds ---------------------------------------------------------------------------------


def refund(
    payment,
    amount_minor=None,
    *,
    reason=Refund.Reason.REQUESTED_BY_CUSTOMER,
    note="",
    by_user=None,
    idempotency_key=None,
):
    """Refunds all that is left (amount_minor=None) or part of a paid payment.

    Idempotent: the same idempotency_key (the admin form's token) never refunds twice, and a
    full refund of a payment already refunded in full does nothing and returns None.
    """
    if reason not in Refund.Reason.values:
        raise RefundError(f"unknown refund reason {reason!r}")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if idempotency_key:
            done = Refund.objects.filter(idempotency_key=idempotency_key).first()
            if done:
                return done
        refundable = payment.refundable_minor
        if amount_minor is None:
            if refundable == 0 and payment.is_settled:
                return None
            amount_minor = refundable
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
            raise RefundError("the amount must be an integer number of minor units")
        if not payment.is_settled:
            raise RefundError("only a paid payment can be refunded")
        if not 0 < amount_minor <= refundable:
            raise RefundError(f"between 1 and {refundable} minor units can be refunded")
        if not payment.payment_intent_id:
            raise RefundError("monthly gifts are refunded in Stripe's dashboard")
        key = idempotency_key or (
            f"portal-refund-{payment.reference}-{payment.refunded_minor}-{amount_minor}"
        )
        try:
            # The lock is held across the call, so two staff members cannot both refund.
            stripe_refund = gateway_for(payment.provider).create_refund(
                {
                    "payment_intent": payment.payment_intent_id,
                    "amount": amount_minor,
                    "reason": reason,
                    "metadata": {"payment_reference": str(payment.reference)},
                },
                idempotency_key=key,
            )
        except GatewayError as exc:
            raise RefundError(str(exc)) from exc
        record, _created = Refund.objects.update_or_create(
            stripe_refund_id=stripe_refund["id"],
            defaults={"status": stripe_refund["status"]},
            create_defaults={
                "payment": payment,
                "amount_minor": stripe_refund["amount"],
                "reason": reason,
                "note": note,
                "status": stripe_refund["status"],
                "by_user": by_user,
                "idempotency_key": idempotency_key,
            },
        )
        if stripe_refund["status"] in ("succeeded", "pending"):
            _settle_refunds(payment, payment.refunded_minor + stripe_refund["amount"], "")
    return record
