"""A URL for test_http_concurrency: a view that notes how many requests are inside Django."""

import threading
import time

from django.http import HttpResponse
from django.urls import path

inside = {"now": 0, "most": 0}
lock = threading.Lock()


def slow_view(request):
    with lock:
        inside["now"] += 1
        inside["most"] = max(inside["most"], inside["now"])
    time.sleep(0.05)  # long enough for the other requests to arrive
    with lock:
        inside["now"] -= 1
    return HttpResponse("done")


urlpatterns = [path("slow/", slow_view)]
