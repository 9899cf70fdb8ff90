from django.apps import AppConfig


class BoardsConfig(AppConfig):
    """The controller board catalog and the board designer."""

    name = "boards"
