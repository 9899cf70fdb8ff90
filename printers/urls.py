from django.urls import path

from printers import views

urlpatterns = [
    path("printer-designer", views.printer_designer, name="printer-designer"),
]
