from django.apps import AppConfig


class StatusConfig(AppConfig):
    """Printers, their status sources, status history and the /ws/status stream."""

    name = "status"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from status.models import Printer
        from status.selectors import printer_cache_clear

        post_save.connect(printer_cache_clear, sender=Printer, dispatch_uid="status.printer_cache.save")
        post_delete.connect(printer_cache_clear, sender=Printer, dispatch_uid="status.printer_cache.delete")
