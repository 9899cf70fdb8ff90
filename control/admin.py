from django.contrib import admin

from klipperiwc_site.admin_mixins import ReadOnlyModelAdmin
from status.models import PrinterAction


@admin.register(PrinterAction)
class PrinterActionAdmin(ReadOnlyModelAdmin):
    """The control audit trail: written by control.services.printer_action only."""

    list_display = ["created_at", "printer_slug", "action", "outcome", "status_code", "client_address"]
    list_filter = ["outcome", "action", "printer_slug"]
    search_fields = ["printer_slug", "detail"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    # One assignment: "readonly_fields = fields" would give it the type of fields (names or groups of names).
    fields = readonly_fields = (
        "created_at",
        "printer",
        "printer_slug",
        "action",
        "arguments",
        "outcome",
        "status_code",
        "detail",
        "client_address",
    )
