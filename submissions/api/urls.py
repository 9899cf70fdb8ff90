from django.urls import path

from klipperiwc_site import converters  # noqa: F401 (registers <row_id:>)
from submissions.api import views

app_name = "submissions-api"

urlpatterns = [
    path("", views.SubmissionListView.as_view(), name="list"),
    path("<row_id:submission_id>/", views.SubmissionDetailView.as_view(), name="detail"),
    path("<row_id:submission_id>/file", views.SubmissionFileView.as_view(), name="file"),
    path("<row_id:submission_id>/decision", views.SubmissionDecisionView.as_view(), name="decision"),
]
