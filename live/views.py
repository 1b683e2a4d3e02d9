from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cms import params
from cms.ratelimits import ADDRESS, Limit, rate_limited
from live import conf, services
from live.forms import FollowForm


@require_http_methods(["GET", "POST"])
@rate_limited(
    "follow",
    Limit("RATE_LIMIT_EMAILS_PER_CLIENT"),
    Limit("RATE_LIMIT_EMAILS_PER_ADDRESS", by=ADDRESS),
)
def follow(request):
    """The no-JavaScript follow form's target: asks for confirmation by e-mail."""
    form = FollowForm(request.POST if request.method == "POST" else request.GET or None)
    if request.method == "POST" and form.is_valid():
        services.ask_to_follow(
            form.cleaned_data["email"],
            form.cleaned_data["topic"],
            form.cleaned_data["title"],
            translation.get_language(),
        )
        return redirect("live:follow_sent")
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "live/follow.html", {"form": form}, status=status)


def follow_sent(request):
    return render(request, "live/follow_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def follow_confirm(request, token):
    """GET asks, POST confirms: link scanners in mail systems only GET."""
    if request.method == "POST":
        follower = services.confirm_follow(token)
        if follower is None:
            return render(request, "live/link_unknown.html", status=404)
        return render(request, "live/follow_confirmed.html", {"follower": follower})
    return render(request, "live/follow_confirm.html", {"token": token})


@csrf_exempt  # the token is the credential; mail clients POST here for one-click unsubscribe
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        follower = services.unsubscribe(token)
        if follower is None:
            return render(request, "live/link_unknown.html", status=404)
        return render(request, "live/unsubscribed.html", {"follower": follower})
    return render(request, "live/unsubscribe.html", {"token": token})


def _bad_request(message):
    return JsonResponse({"error": message}, status=400)


@require_GET
def events(request):
    """Polling for clients without WebSockets: events on topics after an id, language-neutral."""
    raw_topics = request.GET.get("topics", "").replace(",", " ").split()
    topics = sorted(set(raw_topics))
    if not topics or len(topics) > conf.max_topics():
        return _bad_request(_("Give between 1 and %(max)d topics.") % {"max": conf.max_topics()})
    if not all(services.is_topic(topic) for topic in topics):
        return _bad_request(_("Unknown topic."))
    try:
        since = params.parse_int(request.GET.get("since")) or 0
    except params.BadParameter:
        return _bad_request(_("“since” must be an event id (a whole number)."))
    found, truncated = services.events_since(topics, since)
    # As the WebSocket does: no page ever gave an id beyond the newest event, and kept, it
    # would hide the next events from this client. Read only when nothing was found.
    if not found and since > services.latest_id():
        return _bad_request(_("“since” is beyond the newest event. Please reload the page."))
    last_id = found[-1].pk if found else since
    response = JsonResponse(
        {
            "events": [event.as_message() for event in found],
            "last_id": last_id,
            "truncated": truncated,
            "poll_seconds": conf.poll_seconds(),
        }
    )
    response["Cache-Control"] = "no-store"
    return response
