"""The portal as one ASGI application: Django for HTTP, Channels for WebSockets."""

import asyncio
import os
import weakref

from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class PortalASGIHandler(ASGIHandler):
    """Django's ASGI handler, with at most HTTP_CONCURRENCY requests inside Django at once.

    Django runs each request's synchronous code in a thread of its own. Under a burst (a
    booking rush: hundreds of requests at once) every request got a thread, the threads fought
    over the GIL and the process spent its time switching between them. Requests beyond the
    limit now wait in the event loop, which costs nothing, until one of the others is done.
    The limit covers Django's work only: reading the request body and sending the response
    happen outside it, so a slow upload or download never holds a place. 0 turns it off.
    """

    def __init__(self, concurrency):
        super().__init__()
        self.concurrency = concurrency
        self._semaphores = weakref.WeakKeyDictionary()  # one per event loop

    async def run_get_response(self, request):
        if not self.concurrency:
            return await super().run_get_response(request)
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.concurrency)
        async with semaphore:
            return await super().run_get_response(request)


def get_asgi_application():
    import django
    from django.conf import settings

    django.setup(set_prefix=False)
    return PortalASGIHandler(settings.HTTP_CONCURRENCY)


django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from portal.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
