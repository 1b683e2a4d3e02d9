"""Error reports to Sentry, when SENTRY_DSN is set (settings.py calls init_sentry).

A report helps fix the code; it never needs to know the visitor. So: no personal data
(send_default_pii off: no user's e-mail or address), no local variables of the stack's frames
(they hold what was typed into a form), no request body, cookies or query string, none of the
headers that identify or authenticate; and every e-mail address left in a message, a traceback
or a breadcrumb is replaced. A report carries the request id its log lines have.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from cms.logs import scrub
from cms.request_ids import current_request_id

KEPT_HEADERS = {"host", "user-agent", "accept", "accept-language", "content-type", "referer"}


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def before_send(event, hint):
    request = event.get("request")
    if request:
        for field in ("cookies", "data", "query_string", "env"):
            request.pop(field, None)
        if request.get("url"):
            request["url"] = request["url"].split("?", 1)[0]
        request["headers"] = {
            # The page the visitor came from keeps its path, not its query.
            name: value.split("?", 1)[0] if name.lower() == "referer" else value
            for name, value in (request.get("headers") or {}).items()
            if name.lower() in KEPT_HEADERS
        }
    if event.get("user"):
        event["user"] = {key: value for key, value in event["user"].items() if key == "id"}
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return _scrubbed(event)


def init_sentry(dsn, *, environment, traces_sample_rate):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_send_transaction=before_send,
        integrations=[DjangoIntegration()],
    )
