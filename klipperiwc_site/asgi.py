"""The one ASGI application daphne serves: HTTP and WebSocket on one port."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klipperiwc_site.settings")

from klipperiwc_site.config import exit_on_config_error

with exit_on_config_error():
    import django
    from django.conf import settings

    # Django must be set up before anything imports models (the consumers do).
    django.setup(set_prefix=False)

from assets.api.uploads import MULTIPART_OVERHEAD_BYTES
from klipperiwc_site.asgi_handler import PooledASGIHandler
from klipperiwc_site.daphne_patches import body_limit_on, form_parsing_off

form_parsing_off()
# The largest body a view takes: a board-asset upload with its multipart framing, or a form/JSON body;
# only G-code uploads to a printer may be larger (PRINTER_FILE_MAX_BYTES).
body_limit_on(
    max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, settings.BOARD_ASSET_MAX_BYTES + MULTIPART_OVERHEAD_BYTES),
    larger={r"/api/printers/[^/]+/files/?": settings.PRINTER_FILE_MAX_BYTES + MULTIPART_OVERHEAD_BYTES},
)

django_asgi_app = PooledASGIHandler(threads=settings.WEB_REQUEST_THREADS)

# Imported after django.setup(): the consumers import models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from klipperiwc_site.routing import websocket_urlpatterns  # noqa: E402
from klipperiwc_site.websocket import SiteOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SiteOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# Embedded mode: the bridge collects every printer's status inside this process.
from status.bridge.embedded import bridge_in_daphne  # noqa: E402

bridge_in_daphne()

# The image checkers (a forkserver with Pillow loaded, and spare children) start beside
# serving, not at the first upload, which would wait for them.
from assets.inspection import start_spares  # noqa: E402

start_spares()

# What is loaded by now lives as long as the process. Freezing it keeps the
# cyclic garbage collector from scanning it again and again, and a larger
# youngest generation makes collections rarer: the collector's pauses were
# the long tail of request latency (p99 of GET /api/status 92 -> 55 ms, one
# process, bench/status_bench.py).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 10, 10)
