from django.contrib import admin

from status.models import Printer, StatusSnapshot


@admin.register(Printer)
class PrinterAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "source_kind", "enabled", "updated_at"]
    list_filter = ["source_kind", "enabled"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StatusSnapshot)
class StatusSnapshotAdmin(admin.ModelAdmin):
    list_display = ["recorded_at", "printer", "state", "message"]
    list_filter = ["state", "printer"]
    date_hierarchy = "recorded_at"
    list_select_related = ["printer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
