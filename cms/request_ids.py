"""Request ids: one per HTTP request or WebSocket connection, in every log line it causes.

The proxy's `X-Request-ID` is kept when it looks like one (letters, digits and `.`, `_`, `:`,
`-`, at most 128 characters), so the proxy's log line and ours share it; anything else is
replaced by a new id. The id lives in a context variable: asgiref copies the context into the
thread that runs a request's synchronous code, so what is logged there carries it too. The
response sends it back as `X-Request-ID` (cms.operations).

Standard library only: the log filter (cms.logs) reads it before the apps are loaded.
"""

import contextvars
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    request: object = None  # the HttpRequest, None for a WebSocket connection


_current = contextvars.ContextVar("portal_request", default=None)


def request_id_from(value):
    """The proxy's id if it is sane, else a new one."""
    if value and SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


@contextmanager
def bound(request_id, request=None):
    """Everything logged inside (and in threads started for it) carries `request_id`."""
    token = _current.set(RequestContext(request_id, request))
    try:
        yield
    finally:
        _current.reset(token)


def current_request_id():
    context = _current.get()
    return context.request_id if context else None


def signed_in_user_id():
    """The id of the signed-in user of the current request, once authentication has read it.

    Visitors never sign in (no accounts for them): a signed-in user is staff. Only a user the
    request has already loaded is named, so a log line never costs a database query.
    """
    context = _current.get()
    request = context.request if context else None
    if request is None:
        return None
    state = vars(request)
    user = state.get("_cached_user") or state.get("_acached_user")
    if user is not None and user.is_authenticated:
        return user.pk
    return None
