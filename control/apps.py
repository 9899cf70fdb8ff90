from django.apps import AppConfig


class ControlConfig(AppConfig):
    """Printer control: actions, G-code, files and the console, each call in the printer_actions audit trail."""

    name = "control"

    def ready(self) -> None:
        from control import thumbnails  # noqa: F401 (a deleted thumbnail row takes its file with it)
