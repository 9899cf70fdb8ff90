from django import forms
from django.contrib import admin

from klipperiwc_site.json_limits import DepthLimitedJSONDecoder, json_unstorable
from status.models import Printer, StatusSnapshot
from status.sources.registry import source_config_problems


class PrinterForm(forms.ModelForm):
    # Cleared means "no settings": {} (the column is NOT NULL; None answered 500).
    source_config = forms.JSONField(
        required=False,
        decoder=DepthLimitedJSONDecoder,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=Printer._meta.get_field("source_config").help_text,
    )

    class Meta:
        model = Printer
        fields = ["slug", "name", "source_kind", "source_config", "enabled"]

    def clean_source_config(self):
        config = self.cleaned_data.get("source_config")
        problem = json_unstorable(config)
        if problem:
            raise forms.ValidationError(f"Source config holds {problem}, which the database cannot store.")
        return {} if config in (None, "") else config

    def clean(self):
        cleaned = super().clean()
        if "source_config" in cleaned and "source_kind" in cleaned:
            for problem in source_config_problems(kind=cleaned["source_kind"], config=cleaned["source_config"]):
                self.add_error("source_config", f"Source config {problem}.")
        return cleaned


@admin.register(Printer)
class PrinterAdmin(admin.ModelAdmin):
    form = PrinterForm
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
