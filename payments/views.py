from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from payments import conf, local_checkout, services
from payments.models import Payment, TestCheckoutSession


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's (and the test checkout's) signed events. 400: refused; 500: Stripe retries."""
    try:
        body = request.body
    except RequestDataTooBig:
        # No event of Stripe's is this large: refused for good, not a 500 that asks for retries.
        return JsonResponse({"error": "the body is too large"}, status=413)
    try:
        outcome = services.receive_webhook(body, request.headers.get("Stripe-Signature"))
    except (services.InvalidSignature, services.MalformedEvent) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except Exception:
        # Logged and recorded as a failed event by the service; nothing of it was applied.
        return JsonResponse({"error": "the event was not applied; retry later"}, status=500)
    return JsonResponse({"outcome": outcome})


def _test_session(session_id):
    if conf.checkout_mode() != conf.TEST_CHECKOUT:
        raise Http404("the test checkout is off")
    return get_object_or_404(
        TestCheckoutSession.objects.select_related("payment"),
        session_id=session_id,
        payment__provider=Payment.Provider.TEST,
    )


def _page_context(session, **extra):
    # "Complete" again when the portal has not confirmed a completed session (its event
    # failed): a new signed event is sent and the webhook applies it once.
    confirmable = session.status == "open" or (
        session.status == "complete" and not session.payment.is_settled
    )
    return {
        "session": session,
        "confirmable": confirmable,
        "timed_out": session.status == "expired" and session.lapsed_at is not None,
        **extra,
    }


@require_GET
def test_checkout(request, session_id):
    # Past its expires_at the session expires now, as Stripe's would have on its own.
    session, _response = local_checkout.lapse_if_overdue(_test_session(session_id).session_id)
    session.payment.refresh_from_db()
    return render(request, "payments/test_checkout.html", _page_context(session))


@require_POST
def test_checkout_complete(request, session_id):
    session, response = local_checkout.complete(_test_session(session_id).session_id)
    session.payment.refresh_from_db()
    if response.status_code == 200 and session.payment.is_settled:
        return HttpResponseRedirect(session.payment.success_url)
    return render(
        request,
        "payments/test_checkout.html",
        _page_context(session, failed=session.status != "expired"),
        status=409 if session.status == "expired" else 503,
    )


@require_POST
def test_checkout_cancel(request, session_id):
    session, _response = local_checkout.expire(_test_session(session_id).session_id)
    return HttpResponseRedirect(session.payment.cancel_url)
