"""Logging pieces named by settings.LOGGING: JSON lines, request ids, no visitor's data.

Each line says when, how bad, which logger, what, and for which request (`request_id`, and
`user_id` when a signed-in staff member made it); an exception's traceback is in `exc_info`.
What a visitor typed never reaches a line: e-mail addresses (plain or URL-encoded) are replaced
in the message and the traceback alike, uvicorn's lines lose the client's address and the query
string, and the portal's own request line names the view, not the path (paths carry booking
tokens). Loaded when logging is configured, before the apps: no models here.
"""

import logging
import re
import threading
import time
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from cms.request_ids import current_request_id, signed_in_user_id

EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# uvicorn's lines start with the client's "host:port - "; a quoted request line may end in a query.
CLIENT_ADDRESS = re.compile(r"^\S+ - ")
QUERY = re.compile(r'("(?:[A-Z]+|WebSocket) [^\s?"]*)\?[^\s"]*')
# Fields a line may carry besides the standard ones (set with `extra=`); anything else a library
# attaches to its records (Django's `request`, whose text holds the query string) is left out.
EXTRA_FIELDS = ("method", "view", "status", "duration_ms", "status_code")


def scrub(text):
    """`text` without e-mail addresses."""
    return EMAIL.sub("[email]", text)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record (None outside a request)."""

    def filter(self, record):
        record.request_id = current_request_id()
        record.user_id = signed_in_user_id()
        if record.name.startswith("uvicorn"):
            message = CLIENT_ADDRESS.sub("", record.getMessage())
            record.msg, record.args = QUERY.sub(r"\1", message), ()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id[, user_id][, exc_info]."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data["request_id"] = getattr(record, "request_id", None)
        user_id = getattr(record, "user_id", None)
        if user_id is not None:
            log_data["user_id"] = user_id
        for field in EXTRA_FIELDS:
            if field in record.__dict__:
                log_data[field] = record.__dict__[field]
        for field in ("exc_info", "stack_info"):
            if message_dict.get(field):
                log_data[field] = message_dict[field]

    def process_log_record(self, log_data):
        return {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in log_data.items()
        }


class PlainFormatter(logging.Formatter):
    """The embedded mode's lines: time, level, logger, [request id], message (scrubbed too)."""

    def __init__(self, *args, **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_label)s] %(message)s")

    def format(self, record):
        record.request_label = getattr(record, "request_id", None) or "-"
        return scrub(super().format(record))


class OncePerInterval(logging.Filter):
    """Lets one record of its logger through per `seconds`, saying how many it held back.

    Put on a logger whose lines repeat with every request while something is down (a cache
    error ignored on each operation): the outage is logged, not the traffic.
    """

    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self._lock = threading.Lock()
        self._passed_at = None
        self._held = 0

    def filter(self, record):
        now = time.monotonic()
        with self._lock:
            if self._passed_at is not None and now - self._passed_at < self.seconds:
                self._held += 1
                return False
            held, self._held, self._passed_at = self._held, 0, now
        if held and isinstance(record.msg, str):
            record.msg = f"{record.msg} ({held} more like it since the last one logged)"
        return True
