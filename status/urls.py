from django.urls import path

from status.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
]
