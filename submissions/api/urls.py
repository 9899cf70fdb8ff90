from django.urls import path

from submissions.api import views

app_name = "submissions-api"

urlpatterns = [
    path("", views.SubmissionListView.as_view(), name="list"),
    path("<int:submission_id>/", views.SubmissionDetailView.as_view(), name="detail"),
    path("<int:submission_id>/file", views.SubmissionFileView.as_view(), name="file"),
    path("<int:submission_id>/decision", views.SubmissionDecisionView.as_view(), name="decision"),
]
