"""WebSocket routes: each portal app with consumers contributes its `routing.websocket_urlpatterns`."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings

websocket_urlpatterns = [
    pattern
    for app in settings.PORTAL_APPS
    if find_spec(f"{app}.routing") is not None
    for pattern in import_module(f"{app}.routing").websocket_urlpatterns
]
