from django.urls import path

from boards.api import views
from klipperiwc_site import converters  # noqa: F401 (registers <board_id:>)

app_name = "boards"

urlpatterns = [
    path("", views.BoardListView.as_view(), name="list"),
    path("schema", views.BoardSchemaView.as_view(), name="schema"),
    path("pin-rules", views.PinRulesView.as_view(), name="pin-rules"),
    path("validate", views.BoardValidateView.as_view(), name="validate"),
    path("klipper.cfg", views.DefinitionKlipperConfigView.as_view(), name="definition-klipper-cfg"),
    # Only what the definition schema allows as an id: anything else is a 404 before the database sees it.
    path("<board_id:board_id>/", views.BoardDetailView.as_view(), name="detail"),
    path("<board_id:board_id>/klipper.cfg", views.BoardKlipperConfigView.as_view(), name="klipper-cfg"),
]
