"""Logging pieces named by settings.LOGGING.

Loaded when logging is configured, before the apps: standard library only, no models.
"""

import logging
import threading
import time


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
