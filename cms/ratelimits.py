"""Limits on the public actions that send e-mail or reserve something.

One client (an address, or an IPv6 /64) and one e-mail address may only do each action so many
times in a window; the next POST gets a 429 page in the visitor's language that says when to
try again, and the view does not run: nothing is sent or stored. Counting is django-ratelimit's
on the default cache (Redis in production, shared by every process). The rates are settings
(`RATE_LIMIT_*`, docs/deploy.md), read at each request.

Every POST to a limited action counts, valid or not: the count is taken (atomically) before the
view runs, so a burst of parallel posts cannot slip past it. A Redis outage lets actions through
(`RATELIMIT_FAIL_OPEN`): the portal stays usable and the limits return with Redis.
"""

import functools
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

CLIENT = "client"
ADDRESS = "address"


def client_ip(request):
    """The visitor's address: from the proxy's header when one is trusted
    (`RATE_LIMIT_CLIENT_IP_HEADER`), else the connection's. An IPv6 client counts as its /64."""
    header = getattr(settings, "RATE_LIMIT_CLIENT_IP_HEADER", "")
    value = ""
    if header:
        # X-Forwarded-For grows to the right: the last entry is the one our proxy added.
        value = request.META.get(header, "").split(",")[-1].strip()
    value = value or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return value or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def client_digest(request):
    """The client (client_ip) as a short keyed digest: what a row may keep to count what one
    client holds, without storing the visitor's address."""
    return salted_hmac("cms.ratelimits.client", client_ip(request)).hexdigest()[:32]


def posted_address(request, field="email"):
    """The e-mail address posted in `field`, as the portal stores it (trimmed, lower case)."""
    return request.POST.get(field, "").strip().lower()


@dataclass(frozen=True)
class Limit:
    """At most `setting`'s rate (e.g. "5/h") per client or per posted e-mail address;
    `per_argument` narrows a client's count to one object of the URL (a tour date)."""

    setting: str
    by: str = CLIENT
    per_argument: str = ""
    field: str = "email"

    def name(self):
        return "-".join(filter(None, [self.by, self.per_argument]))

    def value(self, request, view_kwargs):
        if self.by == ADDRESS:
            return posted_address(request, self.field)
        value = client_ip(request)
        if self.per_argument:
            value = f"{value}:{view_kwargs.get(self.per_argument, '')}"
        return value


def rate_limited(action, *limits):
    """Decorates a view: its POSTs count against each limit; past one, a 429 page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                waits = [
                    wait
                    for limit in limits
                    if (wait := _count(request, action, limit, kwargs)) is not None
                ]
                if waits:
                    return too_many_requests(request, max(waits))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _count(request, action, limit, view_kwargs):
    """Counts this request; the seconds until the window ends when it is over the limit."""
    value = limit.value(request, view_kwargs)
    if not value:
        return None
    usage = get_usage(
        request,
        group=f"{action}:{limit.name()}",
        key=lambda _group, _request: value,
        rate=lambda _group, _request: getattr(settings, limit.setting),
        method="POST",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)


def too_many_requests(request, seconds, reason=""):
    """The 429 page: when to try again, and `reason` (translated) in place of the general
    "sent too many times" when the limit is another kind."""
    minutes = max(1, math.ceil(seconds / 60))
    response = render(request, "429.html", {"minutes": minutes, "reason": reason}, status=429)
    response["Retry-After"] = str(int(seconds))
    add_never_cache_headers(response)
    return response
