"""Printers, their print jobs and status history in the Django admin.

Adding, changing, disabling and deleting a printer goes through status.printer_services
(the same functions the API uses). The Moonraker API key is write-only here too: the form
never renders it (an empty field keeps the stored key; "Remove the API key" clears it).
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from klipperiwc_site.admin_mixins import ReadOnlyModelAdmin
from klipperiwc_site.json_limits import DepthLimitedJSONDecoder, json_unstorable
from status import printer_services
from status.models import Printer, PrintJob, StatusSnapshot
from status.printer_selectors import printer_connection
from status.printer_validation import TAG_RULE, printer_problems, tags_clean, tags_problem

API_KEY_MAX = Printer._meta.get_field("api_key").max_length


class PrinterForm(forms.ModelForm):
    # Cleared means "no settings": {} (the column is NOT NULL; None answered 500).
    source_config = forms.JSONField(
        required=False,
        decoder=DepthLimitedJSONDecoder,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=Printer._meta.get_field("source_config").help_text,
    )
    # Not the model field: a form bound to it would put the stored key in the page
    # (as the field's initial value) and store "" whenever the field is left empty.
    new_api_key = forms.CharField(
        label="API key",
        required=False,
        strip=False,
        max_length=API_KEY_MAX,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Moonraker's API key (write-only: never shown). Leave empty to keep the stored key.",
    )
    clear_api_key = forms.BooleanField(label="Remove the API key", required=False)
    tags_text = forms.CharField(
        label="Tags",
        required=False,
        max_length=2000,
        help_text=f"Separated by commas or spaces: {TAG_RULE}.",
    )

    class Meta:
        model = Printer
        fields = ["slug", "name", "source_kind", "moonraker_url", "source_config", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags_text"].initial = ", ".join(self.instance.tags or [])
        if self.instance.pk and self.instance.api_key:
            self.fields[
                "new_api_key"
            ].help_text = "A key is stored (it is never shown). Leave empty to keep it, or type a new one."
        else:
            self.fields["clear_api_key"].widget = forms.HiddenInput()

    def clean_source_config(self):
        config = self.cleaned_data.get("source_config")
        problem = json_unstorable(config)
        if problem:
            raise forms.ValidationError(f"Source config holds {problem}, which the database cannot store.")
        return {} if config in (None, "") else config

    def clean_tags_text(self):
        tags = [tag for tag in self.cleaned_data.get("tags_text", "").replace(",", " ").split() if tag]
        problem = tags_problem(tags)
        if problem:
            raise forms.ValidationError(f"Tags: {problem}.")
        return tags_clean(tags)

    def api_key_after(self) -> str:
        """The key the printer keeps: a new one, none (removed), or the stored one."""
        new = self.cleaned_data.get("new_api_key") or ""
        if new:
            return new
        if self.cleaned_data.get("clear_api_key"):
            return ""
        return self.instance.api_key if self.instance.pk else ""

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("new_api_key") and self.cleaned_data.get("clear_api_key"):
            self.add_error("clear_api_key", "Either type a new key or remove the key, not both.")
        if "source_kind" not in cleaned or "source_config" not in cleaned:
            return cleaned
        problems = printer_problems(
            source_kind=cleaned["source_kind"],
            moonraker_url=cleaned.get("moonraker_url", ""),
            api_key=self.api_key_after(),
            source_config=cleaned["source_config"],
            tags=cleaned.get("tags_text", []),
        )
        for name, problem in problems.items():
            if name == "source_config":
                self.add_error("source_config", f"Source config {problem}.")
            elif name == "moonraker_url" and "moonraker_url" in cleaned:
                self.add_error("moonraker_url", f"Moonraker URL {problem}.")
            elif name in ("source_kind", "tags"):
                pass  # the field's own check said it
            else:
                self.add_error(None, f"{name} {problem}.")
        return cleaned

    def printer_fields(self) -> dict:
        """What printer_create / printer_update take, from the cleaned form."""
        cleaned = self.cleaned_data
        return {
            "slug": cleaned["slug"],
            "name": cleaned["name"],
            "source_kind": cleaned["source_kind"],
            "moonraker_url": cleaned.get("moonraker_url", ""),
            "source_config": cleaned["source_config"],
            "enabled": cleaned["enabled"],
            "tags": cleaned.get("tags_text", []),
            "api_key": self.api_key_after(),
        }

    def changed_printer_fields(self) -> dict:
        """The printer_update arguments of the fields the user changed, and only those.

        The others are left out: the form holds them as they were read, and passing them
        would write that back over a change another writer made since.
        """
        fields = self.printer_fields()
        form_field = {"tags": "tags_text"}
        changed = set(self.changed_data)
        chosen = {name: value for name, value in fields.items() if form_field.get(name, name) in changed}
        if changed & {"new_api_key", "clear_api_key"}:
            chosen["api_key"] = fields["api_key"]
        return chosen


@admin.register(Printer)
class PrinterAdmin(admin.ModelAdmin):
    form = PrinterForm
    list_display = ["slug", "name", "source_kind", "enabled", "connection_state", "tag_list", "updated_at"]
    list_filter = ["source_kind", "enabled"]
    search_fields = ["slug", "name"]
    list_select_related = ["connection"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["connection_state", "has_api_key"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "source_kind", "enabled", "tags_text"]}),
        ("Moonraker", {"fields": ["moonraker_url", "new_api_key", "clear_api_key", "has_api_key"]}),
        ("Source settings", {"fields": ["source_config"]}),
        ("Bridge", {"fields": ["connection_state"]}),
    ]
    actions = ["disable_printers", "enable_printers"]

    @admin.display(description="Connection")
    def connection_state(self, printer: Printer) -> str:
        if printer.pk is None:
            return "-"
        connection = printer_connection(printer=printer)
        return f"{connection['state']}: {connection['message']}" if connection["message"] else connection["state"]

    @admin.display(description="Tags")
    def tag_list(self, printer: Printer) -> str:
        return ", ".join(printer.tags or [])

    @admin.display(description="API key stored", boolean=True)
    def has_api_key(self, printer: Printer) -> bool:
        return bool(printer.api_key)

    def save_model(self, request, obj, form, change):
        if change:
            stored = Printer.objects.filter(pk=obj.pk).first()
            if stored is None:  # deleted since the admin read it for this request
                raise printer_services.PrinterGone(form.initial.get("slug") or obj.slug)
            saved = printer_services.printer_update(printer=stored, **form.changed_printer_fields())
        else:
            saved = printer_services.printer_create(**form.printer_fields())
        # The admin goes on with obj (its messages, the log entry, the redirect).
        vars(obj).update(vars(saved))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A refusal the form could not foresee (the printer deleted meanwhile, a slug taken by a
        # racing save) is raised by save_model inside the admin's transaction, which rolls back;
        # it becomes a message instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except printer_services.PrinterGone as gone:
            self.message_user(request, f"{gone.message} Nothing was saved.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:status_printer_changelist"))
        except printer_services.PrinterError as refused:
            self.message_user(request, f"Not saved: {refused.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        printer_services.printer_delete(printer=obj)

    def delete_queryset(self, request, queryset):
        for printer in queryset:
            printer_services.printer_delete(printer=printer)

    @admin.action(description="Disable the selected printers (the bridge stops following them)")
    def disable_printers(self, request, queryset):
        self._set_enabled(request, queryset, enabled=False)

    @admin.action(description="Enable the selected printers")
    def enable_printers(self, request, queryset):
        self._set_enabled(request, queryset, enabled=True)

    def _set_enabled(self, request, queryset, *, enabled: bool) -> None:
        changed, gone = 0, []
        for printer in queryset.filter(enabled=not enabled):
            try:
                printer_services.printer_update(printer=printer, enabled=enabled)
            except printer_services.PrinterGone:
                gone.append(printer.slug)
                continue
            changed += 1
        verb = "Enabled" if enabled else "Disabled"
        self.message_user(request, f"{verb} {changed} printer(s).", messages.SUCCESS)
        if gone:
            self.message_user(
                request, f"Deleted meanwhile, so not changed: {', '.join(sorted(gone))}.", messages.WARNING
            )


@admin.register(PrintJob)
class PrintJobAdmin(ReadOnlyModelAdmin):
    """Jobs come from Moonraker's history through the bridge: staff look, nobody edits."""

    list_display = ["started_at", "printer", "filename", "status", "print_duration", "filament_used", "ended_at"]
    list_filter = ["status", "printer"]
    search_fields = ["filename", "job_id"]
    date_hierarchy = "started_at"
    list_select_related = ["printer"]


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
