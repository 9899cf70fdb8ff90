from django.urls import path

from klipperiwc_site import converters  # noqa: F401 (registers <printer_slug:>)
from status.api import printers, views

# /api/printers/{slug}/actions/..., /gcode, /files, /print and /console belong to printer
# control (its own app, routed in klipperiwc_site/urls.py): only the paths below are here.
urlpatterns = [
    path("status", views.StatusView.as_view(), name="status"),
    path("jobs", views.JobsView.as_view(), name="jobs"),
    path("temperatures", views.TemperaturesView.as_view(), name="temperatures"),
    path("printers/", printers.PrinterListView.as_view(), name="printers"),
    path("printers/<printer_slug:slug>", printers.PrinterDetailView.as_view(), name="printer"),
    path("printers/<printer_slug:slug>/jobs", printers.PrintJobListView.as_view(), name="printer-jobs"),
    path("printers/<printer_slug:slug>/jobs.csv", printers.PrintJobCsvView.as_view(), name="printer-jobs-csv"),
    path("printers/<printer_slug:slug>/jobs/totals", printers.PrintJobTotalsView.as_view(), name="printer-job-totals"),
    path("history/status", views.StatusHistoryView.as_view(), name="history-status"),
    path("history/temperatures", views.TemperatureHistoryView.as_view(), name="history-temperatures"),
    path("history/jobs", views.JobHistoryView.as_view(), name="history-jobs"),
]
