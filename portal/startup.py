"""The system checks a web server must pass before it serves (tagged "startup").

`manage.py runserver` runs Django's system checks before serving; uvicorn runs none. The checks
an app tags "startup" (what the machine must have installed, such as the certificate's font,
donations/checks.py) run here as the ASGI application loads: an Error stops the process with
its message and hint, a Warning (the embedded mode's) is logged and the server starts. They are
cheap, so every worker process runs them.
"""

import logging

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("portal.startup")


def run_startup_checks():
    found = [
        message for message in checks.run_checks(tags=["startup"]) if not message.is_silenced()
    ]
    for message in found:
        if not message.is_serious():
            logger.warning("%s", message)
    serious = [str(message) for message in found if message.is_serious()]
    if serious:
        raise ImproperlyConfigured("The portal cannot start:\n" + "\n".join(serious))
