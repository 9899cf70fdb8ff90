from django.urls import path

from boards.views import board_designer

urlpatterns = [
    path("board-designer", board_designer, name="board-designer"),
]
