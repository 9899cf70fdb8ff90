from django.apps import AppConfig


class ControlConfig(AppConfig):
    """Printer control: actions, G-code, files and the console, each call in the printer_actions audit trail."""

    name = "control"
