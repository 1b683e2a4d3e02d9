"""Prometheus metrics: the site's requests and tasks, and the operator's /metrics endpoint.

Each app counts what it knows in its own `metrics.py` (live: WebSocket connections and events
published; tourism: bookings held and confirmed; payments: webhook deliveries); they all go
into prometheus_client's registry, which this endpoint shows. Label values are bounded: a view
is its URL pattern's name (never the path), a task its module path, a status its code.

Several uvicorn workers: with PROMETHEUS_MULTIPROC_DIR set (an empty directory per machine,
emptied when the service starts), every process writes its values there and a scrape, whichever
worker answers it, adds up all of them (prometheus_client's multiprocess mode).

The endpoint answers only the operator: a `Authorization: Bearer <METRICS_TOKEN>` header
(compared in constant time) and/or a client address in METRICS_ALLOWED_IPS; when both are set,
both are needed; when neither is, there are no metrics. Anyone else gets a 404.
"""

import hmac
import ipaddress
import os
import re
from functools import cache

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "portal_http_requests",
    "HTTP requests answered, by view (URL pattern name), method and status",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request (until the response starts), by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS_ENQUEUED = Counter("portal_tasks_enqueued", "Tasks queued, by task", ["task"])
TASKS_FINISHED = Counter(
    "portal_tasks_finished", "Tasks run to the end, by task and outcome", ["task", "status"]
)

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"  # answered before or without a URL pattern (a redirect, a 404)


def view_name(request):
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else UNMATCHED


def observe_request(request, response, seconds):
    view = view_name(request)
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(view=view, method=method, status=str(response.status_code)).inc()
    REQUEST_SECONDS.labels(view=view).observe(seconds)


def task_enqueued(sender, task_result, **kwargs):
    TASKS_ENQUEUED.labels(task=task_result.task.module_path).inc()


def task_finished(sender, task_result, **kwargs):
    TASKS_FINISHED.labels(
        task=task_result.task.module_path, status=str(task_result.status).lower()
    ).inc()


def watch_tasks():
    from django_tasks.signals import task_enqueued as enqueued
    from django_tasks.signals import task_finished as finished

    enqueued.connect(task_enqueued, dispatch_uid="cms.metrics.task_enqueued")
    finished.connect(task_finished, dispatch_uid="cms.metrics.task_finished")


# -- The endpoint ------------------------------------------------------------------------------


@cache
def _networks(addresses):
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def operator_allowed(request):
    token = getattr(settings, "METRICS_TOKEN", "")
    addresses = tuple(getattr(settings, "METRICS_ALLOWED_IPS", ()))
    if not token and not addresses:
        return False
    if token:
        scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return False
    if addresses:
        try:
            client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        if not any(client in network for network in _networks(addresses)):
            return False
    return True


LIVE_GAUGE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db")


def forget_dead_processes(directory):
    """Drops the live gauges of worker processes that have exited (uvicorn replaces a worker
    that dies): their WebSocket connections are gone. Counters stay: totals never go down."""
    for name in os.listdir(directory):
        match = LIVE_GAUGE_FILE.fullmatch(name)
        if not match:
            continue
        pid = int(match[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:
            pass  # alive, another user's


def exposition():
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    forget_dead_processes(directory)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, directory)
    return generate_latest(registry)


def metrics_response(request):
    if not operator_allowed(request):
        return HttpResponseNotFound("Not Found", content_type="text/plain")
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
