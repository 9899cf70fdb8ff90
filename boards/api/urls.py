from django.urls import path

from boards.api import views

app_name = "boards"

urlpatterns = [
    path("", views.BoardListView.as_view(), name="list"),
    path("schema", views.BoardSchemaView.as_view(), name="schema"),
    path("validate", views.BoardValidateView.as_view(), name="validate"),
    path("klipper.cfg", views.DefinitionKlipperConfigView.as_view(), name="definition-klipper-cfg"),
    path("<str:board_id>/", views.BoardDetailView.as_view(), name="detail"),
    path("<str:board_id>/klipper.cfg", views.BoardKlipperConfigView.as_view(), name="klipper-cfg"),
]
