"""Origin check for WebSocket handshakes."""

from channels.security.websocket import OriginValidator
from django.conf import settings


class SiteOriginValidator(OriginValidator):
    """Refuse browser pages of other sites; let non-browser clients in.

    Browsers always send Origin on a WebSocket handshake, so checking it stops
    a foreign page from reading /ws/status with a visitor's cookies. Printer
    tools and scripts send no Origin, and channels' own validator would refuse
    them unless ALLOWED_HOSTS is "*". Settings are read per connection so
    they can change in tests.
    """

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        self.allowed_origins = [*settings.ALLOWED_HOSTS, *settings.CSRF_TRUSTED_ORIGINS]
        if settings.DEBUG and not settings.ALLOWED_HOSTS:
            self.allowed_origins += ["localhost", "127.0.0.1", "[::1]"]
        return self.validate_origin(parsed_origin)
