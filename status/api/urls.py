from django.urls import path

from status.api import views

urlpatterns = [
    path("status", views.StatusView.as_view(), name="status"),
    path("jobs", views.JobsView.as_view(), name="jobs"),
    path("temperatures", views.TemperaturesView.as_view(), name="temperatures"),
    path("printers/", views.PrinterListView.as_view(), name="printers"),
    path("history/status", views.StatusHistoryView.as_view(), name="history-status"),
    path("history/temperatures", views.TemperatureHistoryView.as_view(), name="history-temperatures"),
    path("history/jobs", views.JobHistoryView.as_view(), name="history-jobs"),
]
