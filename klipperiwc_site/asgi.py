"""The one ASGI application daphne serves: HTTP and WebSocket on one port."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klipperiwc_site.settings")

from klipperiwc_site.config import exit_on_config_error

with exit_on_config_error():
    from django.core.asgi import get_asgi_application

    # Django must be set up before anything imports models (the consumers do).
    django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter

from klipperiwc_site.routing import websocket_urlpatterns
from klipperiwc_site.websocket import SiteOriginValidator

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SiteOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
