from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from klipperiwc_site.api_docs import redoc_view, swagger_view
from klipperiwc_site.metrics import MetricsView
from klipperiwc_site.views import HealthView

urlpatterns = [
    path("", include("status.urls")),
    path("", include("boards.urls")),
    path("", include("accounts.urls")),
    path("", include("submissions.urls")),
    path("", include("printers.urls")),
    path("healthz", HealthView.as_view(), name="healthz"),
    # Prometheus's scrape target; not in the OpenAPI schema (klipperiwc_site/metrics.py says why).
    path("metrics", MetricsView.as_view(), name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # No inline scripts: both pages work under the site's Content-Security-Policy (api_docs.py).
    path("api/docs/", swagger_view(), name="api-docs"),
    path("api/redoc/", redoc_view(), name="api-redoc"),
    path("api/", include("status.api.urls")),
    path("api/printers/", include("control.api.urls")),
    path("api/board-assets/", include("assets.api.urls")),
    path("api/boards/", include("boards.api.urls")),
    path("api/board-submissions/", include("submissions.api.urls")),
    path("api/printer-submissions/", include("submissions.api.printer_urls")),
    path("api/printers-catalog/", include("printers.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "KlipperIWC administration"
admin.site.site_title = "KlipperIWC"
# A database outage met outside a view is a 503 too (klipperiwc_site/views.py).
handler500 = "klipperiwc_site.views.server_error"
