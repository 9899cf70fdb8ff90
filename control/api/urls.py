from django.urls import path

from control.api import views
from klipperiwc_site import converters  # noqa: F401 (registers <printer_slug:>)

# Under /api/printers/ (klipperiwc_site/urls.py), beside the printers API of status/api/urls.py.
urlpatterns = [
    path("<printer_slug:slug>/actions/<str:action>", views.PrinterActionView.as_view(), name="printer-action"),
    path("<printer_slug:slug>/gcode", views.PrinterGcodeView.as_view(), name="printer-gcode"),
    path("<printer_slug:slug>/files", views.PrinterFilesView.as_view(), name="printer-files"),
    path("<printer_slug:slug>/print", views.PrinterPrintView.as_view(), name="printer-print"),
    path("<printer_slug:slug>/console", views.PrinterConsoleView.as_view(), name="printer-console"),
    path("<printer_slug:slug>/thumbnail", views.PrinterThumbnailView.as_view(), name="printer-thumbnail"),
]
