from django.urls import path

from klipperiwc_site import converters  # noqa: F401 (registers <row_id:>)
from submissions.api import printer_views as views

app_name = "printer-submissions-api"

urlpatterns = [
    path("", views.PrinterSubmissionListView.as_view(), name="list"),
    path("<row_id:submission_id>/", views.PrinterSubmissionDetailView.as_view(), name="detail"),
    path("<row_id:submission_id>/file", views.PrinterSubmissionFileView.as_view(), name="file"),
    path("<row_id:submission_id>/printer.cfg", views.PrinterSubmissionConfigView.as_view(), name="printer-cfg"),
    path("<row_id:submission_id>/decision", views.PrinterSubmissionDecisionView.as_view(), name="decision"),
]
