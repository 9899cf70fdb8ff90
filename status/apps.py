from django.apps import AppConfig


class StatusConfig(AppConfig):
    """Printers, their status sources, status history and the /ws/status stream."""

    name = "status"
