from django.apps import AppConfig


class PrintersConfig(AppConfig):
    """Printer definitions (printers/definitions/) and the printer.cfg generator."""

    name = "printers"
