"""The first middleware: a request id for every request, one log line and metrics per request,
and the operator's endpoints answered before anything else.

/health/live, /health/ready (cms.health) and /metrics (cms.metrics) are answered here, before
SecurityMiddleware and CommonMiddleware: load balancers and Prometheus reach a machine by its
address, which is not one of ALLOWED_HOSTS, and over plain HTTP, which SECURE_SSL_REDIRECT
would send to https. They are outside the language prefixes, never cached, never rate limited,
and not counted as site requests.

Every other request gets its id (cms.request_ids), is timed, counted by view and status, and
logged as one line on `cms.requests` naming the view, never the path (paths carry booking and
subscription tokens) nor the client.
"""

import logging
import time

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.utils.decorators import sync_and_async_middleware

from cms import health, metrics
from cms.request_ids import HEADER, bound, request_id_from

logger = logging.getLogger("cms.requests")

HEALTH_LIVE = "/health/live"
HEALTH_READY = "/health/ready"
METRICS = "/metrics"


def _log(request, response, seconds):
    view = metrics.view_name(request)
    duration_ms = round(seconds * 1000, 1)
    logger.info(
        "%s %s %s %.1f ms",
        request.method,
        view,
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "view": view,
            "status": response.status_code,
            "duration_ms": duration_ms,
        },
    )


def _observe(request, response, started):
    seconds = time.perf_counter() - started
    metrics.observe_request(request, response, seconds)
    _log(request, response, seconds)


@sync_and_async_middleware
def operations_middleware(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            request_id = request_id_from(request.headers.get(HEADER))
            with bound(request_id, request):
                path = request.path_info
                if path == HEALTH_LIVE:
                    response = health.live()
                elif path == HEALTH_READY:
                    response = await health.aready()
                elif path == METRICS:
                    response = await sync_to_async(metrics.metrics_response)(request)
                else:
                    started = time.perf_counter()
                    response = await get_response(request)
                    _observe(request, response, started)
            response[HEADER] = request_id
            return response

    else:

        def middleware(request):
            request_id = request_id_from(request.headers.get(HEADER))
            with bound(request_id, request):
                path = request.path_info
                if path == HEALTH_LIVE:
                    response = health.live()
                elif path == HEALTH_READY:
                    response = health.ready()
                elif path == METRICS:
                    response = metrics.metrics_response(request)
                else:
                    started = time.perf_counter()
                    response = get_response(request)
                    _observe(request, response, started)
            response[HEADER] = request_id
            return response

    return middleware
