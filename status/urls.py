from django.urls import path

from klipperiwc_site import converters  # noqa: F401 (registers <printer_slug:>)
from status.views import farm, printer_page

urlpatterns = [
    path("", farm, name="farm"),
    path("printers/<printer_slug:slug>", printer_page, name="printer-page"),
]
