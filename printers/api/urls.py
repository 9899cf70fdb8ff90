from django.urls import path, re_path

from printers.api import views

app_name = "printers-catalog"

urlpatterns = [
    path("", views.PrinterListView.as_view(), name="list"),
    path("schema", views.PrinterSchemaView.as_view(), name="schema"),
    path("printer.cfg", views.DefinitionConfigView.as_view(), name="definition-printer-cfg"),
    re_path(r"^(?P<printer_id>[a-z0-9][a-z0-9._-]{0,79})/$", views.PrinterDetailView.as_view(), name="detail"),
    re_path(
        r"^(?P<printer_id>[a-z0-9][a-z0-9._-]{0,79})/printer\.cfg$",
        views.PrinterConfigView.as_view(),
        name="printer-cfg",
    ),
]
