# Only for tools that insist on WSGI; the service runs on daphne (asgi.py),
# because /ws/status needs WebSockets.
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klipperiwc_site.settings")

from klipperiwc_site.config import exit_on_config_error

with exit_on_config_error():
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
