from django.urls import path

from boards import views
from klipperiwc_site import converters  # noqa: F401 (registers <board_id:>)

urlpatterns = [
    path("board-designer", views.board_designer, name="board-designer"),
    path("boards", views.board_library, name="board-library"),
    path("boards/<board_id:board_id>", views.board_page, name="board-page"),
    path("boards/<board_id:board_id>/file", views.board_file, name="board-file"),
    path("boards/<board_id:board_id>/overlay.json", views.board_overlay_json, name="board-overlay"),
]
