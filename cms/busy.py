"""A 503 page, never a 500, when every pooled database connection stays busy too long.

The psycopg pool raises PoolTimeout after DATABASE_POOL_TIMEOUT seconds (Django wraps it in its
OperationalError). The visitor is told, in their language, to try again shortly, and gets a
Retry-After header. The page needs no database: it is what is missing.
"""

from django.db import OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation

RETRY_AFTER_SECONDS = 30

try:
    from psycopg_pool import PoolTimeout
except ImportError:  # the embedded mode (SQLite) may run without psycopg
    PoolTimeout = None


def is_pool_timeout(exception):
    while exception is not None and PoolTimeout is not None:
        if isinstance(exception, PoolTimeout):
            return True
        if not isinstance(exception, OperationalError):
            return False
        exception = exception.__cause__
    return False


def busy_response():
    html = loader.render_to_string(
        "503.html",
        {"LANGUAGE_CODE": translation.get_language(), "retry_after": RETRY_AFTER_SECONDS},
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class BusyDatabaseMiddleware:
    """Turns a pool timeout in a view into the busy page (the 500 handler does the same for one
    raised in a middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_pool_timeout(exception):
            return busy_response()
        return None
