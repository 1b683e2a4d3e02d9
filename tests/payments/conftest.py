"""Stripe, faked only at the HTTP boundary, and Stripe's webhook signatures.

`FakeStripe` is a loopback HTTP server in a thread that answers the few API calls the portal
makes, in Stripe's JSON shapes; stripe-python talks to it through STRIPE_API_BASE. Tests move
its state as Stripe would (a visitor pays, a session expires, staff refund in the dashboard)
and then deliver signed events to the webhook.
"""

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

import payments
from payments import registry
from tests.payments import purposes

WEBHOOK_SECRET = "whsec_portal_tests_0123456789"
WEBHOOK_URL = "/payments/stripe/webhook/"


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """Stripe's scheme: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>"> with the secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def post_event(event, *, secret=WEBHOOK_SECRET, timestamp=None, client=None):
    payload = event if isinstance(event, str) else json.dumps(event)
    return (client or Client()).post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp),
    )


def unflatten(pairs):
    """Stripe's form encoding (line_items[0][price_data][currency]=rub) back to dicts."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class FakeStripe:
    """Just enough of Stripe's API, with the same JSON shapes, kept in memory."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.reset()
        handler = type("Handler", (_Handler,), {"stripe": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        with self.lock:
            self.objects = {}
            self.idempotent = {}
            self.requests = []
            # Answer as API versions before 2025-03-31 did (charge.invoice, invoice.subscription
            # and invoice.payment_intent) instead of today's invoice payments and parent.
            self.legacy_api = False

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def new_id(self, prefix):
        return f"{prefix}_test_{next(self.ids):06d}"

    def put(self, obj):
        self.objects[obj["id"]] = obj
        return obj

    # --- what Stripe does when people act ---------------------------------------------

    def pay(self, session_id, *, intent_status="succeeded"):
        """The visitor pays on Stripe's page (an asynchronous method leaves it processing)."""
        with self.lock:
            session = self.objects[session_id]
            session["status"] = "complete"
            if session["mode"] == "subscription":
                self._start_subscription(session)
                return session
            intent = self.put(
                {
                    "id": self.new_id("pi"),
                    "object": "payment_intent",
                    "amount": session["amount_total"],
                    "amount_received": 0,
                    "currency": session["currency"],
                    "status": intent_status,
                    "metadata": dict(session["_payment_intent_metadata"]),
                    "latest_charge": None,
                }
            )
            session["payment_intent"] = intent["id"]
            if intent_status == "succeeded":
                self._charge(session, intent)
            return session

    def settle_async(self, session_id, *, succeeded):
        with self.lock:
            session = self.objects[session_id]
            intent = self.objects[session["payment_intent"]]
            if succeeded:
                intent["status"] = "succeeded"
                self._charge(session, intent)
            else:
                intent["status"] = "requires_payment_method"
            return session

    def _charge(self, session, intent):
        """The intent's successful charge; `session` (if any) becomes paid."""
        charge = self.put(
            {
                "id": self.new_id("ch"),
                "object": "charge",
                "amount": intent["amount"],
                "amount_refunded": 0,
                "currency": intent["currency"],
                "paid": True,
                "refunded": False,
                "status": "succeeded",
                "payment_intent": intent["id"],
            }
        )
        intent["latest_charge"] = charge["id"]
        intent["amount_received"] = intent["amount"]
        session["payment_status"] = "paid"
        return charge

    def _start_subscription(self, session):
        subscription = self.new_id("sub")
        session["subscription"] = subscription
        session["payment_status"] = "paid"
        session["_subscription_metadata"] = dict(session["_subscription_data_metadata"])
        session["invoice"] = self.invoice(session, "subscription_create")["id"]

    def invoice(self, session, billing_reason):
        """A paid invoice of the session's subscription, with its own PaymentIntent and charge,
        which carry no portal metadata (Stripe copies none onto them)."""
        intent = self.put(
            {
                "id": self.new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": 0,
                "currency": session["currency"],
                "status": "succeeded",
                "metadata": {},
                "latest_charge": None,
            }
        )
        charge = self._charge({}, intent)
        invoice_id = self.new_id("in")
        charge["_legacy"] = {"invoice": invoice_id}
        return self.put(
            {
                "id": invoice_id,
                "object": "invoice",
                "status": "paid",
                "billing_reason": billing_reason,
                "amount_paid": session["amount_total"],
                "currency": session["currency"],
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {
                        "subscription": session["subscription"],
                        "metadata": session["_subscription_metadata"],
                    },
                },
                "_payments": {
                    "object": "list",
                    "data": [
                        {
                            "id": self.new_id("inpay"),
                            "object": "invoice_payment",
                            "invoice": invoice_id,
                            "amount_paid": session["amount_total"],
                            "status": "paid",
                            "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
                        }
                    ],
                    "has_more": False,
                },
                "_legacy": {
                    "subscription": session["subscription"],
                    "subscription_details": {"metadata": session["_subscription_metadata"]},
                    "payment_intent": intent["id"],
                    "charge": charge["id"],
                },
            }
        )

    def renew(self, session_id):
        with self.lock:
            return self.invoice(self.objects[session_id], "subscription_cycle")

    def invoice_charge(self, invoice_id):
        """The charge that paid an invoice (a month of a monthly gift)."""
        intent_id = self.objects[invoice_id]["_legacy"]["payment_intent"]
        return self.objects[self.objects[intent_id]["latest_charge"]]

    def expire(self, session_id):
        with self.lock:
            session = self.objects[session_id]
            session["status"] = "expired"
            return session

    def fail_refund(self, refund_id, failure_reason="expired_or_canceled_card"):
        """The card's bank sends the refund back: the charge keeps the money."""
        with self.lock:
            refund = self.objects[refund_id]
            refund["status"] = "failed"
            refund["failure_reason"] = failure_reason
            charge = self.objects[refund["charge"]]
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = False
            return refund

    def refund(self, charge_id, amount, *, reason=None, metadata=None):
        """A refund, as staff make it in Stripe's dashboard (or the API does for us)."""
        with self.lock:
            return self._refund(charge_id, amount, reason, metadata or {})

    def _refund(self, charge_id, amount, reason, metadata):
        charge = self.objects[charge_id]
        if amount is None:
            amount = charge["amount"] - charge["amount_refunded"]
        if amount <= 0 or charge["amount_refunded"] + amount > charge["amount"]:
            return None
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return self.put(
            {
                "id": self.new_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": charge_id,
                "payment_intent": charge["payment_intent"],
                "currency": charge["currency"],
                "reason": reason,
                "status": "succeeded",
                "failure_reason": None,
                "metadata": metadata,
            }
        )

    def event(self, event_type, obj):
        public = self._render(obj, {})
        return {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": public},
        }

    def charge_of(self, session_id):
        intent = self.objects[self.objects[session_id]["payment_intent"]]
        return self.objects[intent["latest_charge"]]

    def calls(self, method, path_prefix):
        return [r for r in self.requests if r[0] == method and r[1].startswith(path_prefix)]

    # --- the API ------------------------------------------------------------------------

    def handle(self, method, path, query, form, idempotency_key):
        self.requests.append((method, path, form))
        if idempotency_key and (method, path, idempotency_key) in self.idempotent:
            return self.idempotent[(method, path, idempotency_key)]
        answer = self._route(method, path, query, form)
        if idempotency_key:
            self.idempotent[(method, path, idempotency_key)] = answer
        return answer

    def _route(self, method, path, query, form):
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(form)
        match = re.fullmatch(r"/v1/checkout/sessions/([^/]+)(/expire)?", path)
        if match and match[1] in self.objects:
            session = self.objects[match[1]]
            if match[2] and method == "POST":
                if session["status"] != "open":
                    return _error(400, "Only open sessions can be expired.")
                session["status"] = "expired"
            return 200, self._public(session)
        match = re.fullmatch(r"/v1/(payment_intents|charges|invoices|refunds)/([^/]+)", path)
        if match and method == "GET" and match[2] in self.objects:
            return 200, self._render(self.objects[match[2]], query)
        if path == "/v1/invoice_payments" and method == "GET":
            data = [
                item
                for o in self.objects.values()
                if o["object"] == "invoice"
                for item in o["_payments"]["data"]
                if item["payment"].get("payment_intent") == query.get("payment[payment_intent]")
            ]
            listing = {"object": "list", "data": data, "has_more": False}
            return 200, {**listing, "url": "/v1/invoice_payments"}
        if path == "/v1/refunds" and method == "GET":
            data = [
                o
                for o in self.objects.values()
                if o["object"] == "refund" and o["charge"] == query.get("charge")
            ]
            return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/refunds"}
        if path == "/v1/refunds" and method == "POST":
            intent = self.objects.get(form.get("payment_intent"))
            if not intent or not intent.get("latest_charge"):
                return _error(400, "This PaymentIntent has no successful charge to refund.")
            refund = self._refund(
                intent["latest_charge"],
                int(form["amount"]) if "amount" in form else None,
                form.get("reason"),
                form.get("metadata", {}),
            )
            if refund is None:
                return _error(400, "Refund amount is greater than the unrefunded amount.")
            return 200, refund
        return _error(404, f"No such object: {path}")

    def _create_session(self, form):
        item = form["line_items"][0]
        price = item["price_data"]
        session = {
            "id": self.new_id("cs"),
            "object": "checkout.session",
            "mode": form["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(price["unit_amount"]) * int(item.get("quantity", 1)),
            "currency": price["currency"],
            "client_reference_id": form.get("client_reference_id"),
            "metadata": form.get("metadata", {}),
            "locale": form.get("locale"),
            "customer_email": form.get("customer_email"),
            "expires_at": int(form.get("expires_at", time.time() + 86400)),
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "payment_intent": None,
            "subscription": None,
            "invoice": None,
            "livemode": False,
            "_payment_intent_metadata": form.get("payment_intent_data", {}).get("metadata", {}),
            "_subscription_data_metadata": form.get("subscription_data", {}).get("metadata", {}),
        }
        session["url"] = f"https://checkout.stripe.test/c/pay/{session['id']}"
        return self._public(self.put(session))

    @staticmethod
    def _public(obj):
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def _render(self, obj, query):
        """The object as the API version in use shows it; `payments` only when expanded."""
        body = self._public(obj)
        if self.legacy_api:
            body.update(obj.get("_legacy", {}))
            body.pop("parent", None)
        elif "_payments" in obj and "payments" in [
            v for k, v in query.items() if k.startswith("expand")
        ]:
            body["payments"] = obj["_payments"]
        return body


def _error(status, message):
    return status, {"error": {"type": "invalid_request_error", "message": message}}


class _Handler(BaseHTTPRequestHandler):
    stripe = None

    def _answer(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = unflatten(parse_qsl(self.rfile.read(length).decode())) if length else {}
        query = dict(parse_qsl(url.query))
        if not self.headers.get("Authorization", "").startswith("Bearer sk_test_"):
            status, body = _error(401, "Invalid API Key provided.")
        else:
            with self.stripe.lock:
                status, body = self.stripe.handle(
                    method, url.path, query, form, self.headers.get("Idempotency-Key")
                )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_fake")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def _fake_stripe_server():
    server = FakeStripe()
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(_fake_stripe_server, settings):
    """Stripe mode: a secret key, the webhook secret, and stripe-python aimed at the fake."""
    _fake_stripe_server.reset()
    settings.STRIPE_SECRET_KEY = "sk_test_portal_tests"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_portal_tests"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = _fake_stripe_server.url
    return _fake_stripe_server


@pytest.fixture
def demo_checkout(settings):
    """The embedded mode: no Stripe key, DEMO_MODE and DEBUG on: the local test checkout."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.DEMO_MODE = True
    settings.DEBUG = True


@pytest.fixture(autouse=True)
def seat_purpose():
    purposes.register()
    purposes.failing["on"] = False
    yield purposes.SEAT
    purposes.failing["on"] = False
    registry.unregister(purposes.SEAT)


@pytest.fixture
def seat(db):
    return Group.objects.create(name=f"seat {timezone.now().timestamp()}")


@pytest.fixture
def checkout(seat):
    """Starts a 1 500 ₽ checkout for the seat, held for 40 minutes."""

    def start(amount_minor=150_000, currency="RUB", **kwargs):
        options = {
            "description": "Leopard Trail, 12 June",
            "customer_email": "visitor@example.org",
            "language": "en",
            "success_url": "https://leopard.example/en/tours/thanks/",
            "cancel_url": "https://leopard.example/en/tours/",
            "expires_at": timezone.now() + timedelta(minutes=40),
            "idempotency_key": f"seat-{seat.pk}-{amount_minor}-{currency}",
            **kwargs,
        }
        obj = options.pop("obj", seat)
        return payments.start_checkout(purposes.SEAT, obj, amount_minor, currency, **options)

    return start


def effects(kind=None, reference=None):
    """What the seat handler did, from the live events it published."""
    from live.models import Event

    events = Event.objects.filter(kind__startswith="test-seat.").order_by("id")
    if kind:
        events = events.filter(kind=f"test-seat.{kind}")
    rows = [(e.kind.removeprefix("test-seat."), e.payload) for e in events]
    if reference:
        rows = [row for row in rows if row[1]["payment"] == str(reference)]
    return rows


def monthly_gift(fake_stripe, checkout, renewals=1):
    """A 100 ₽ monthly gift, paid, and `renewals` later months; returns (payment, invoices)."""
    start = checkout(10_000, mode="subscription", idempotency_key="monthly-refunds")
    session = fake_stripe.pay(start.payment.checkout_session_id)
    first = fake_stripe.objects[session["invoice"]]
    assert post_event(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    assert post_event(fake_stripe.event("invoice.paid", first)).status_code == 200
    later = []
    for _month in range(renewals):
        invoice = fake_stripe.renew(session["id"])
        assert post_event(fake_stripe.event("invoice.paid", invoice)).status_code == 200
        later.append(invoice)
    start.payment.refresh_from_db()
    return start.payment, [first, *later]
