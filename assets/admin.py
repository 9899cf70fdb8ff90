"""The moderation queue: board assets in the Django admin.

Every decision, edit and deletion goes through assets.services (the same
functions the API uses), so each writes its moderation event; the events
(the audit trail, which outlives deleted assets) are read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as confirm_delete_selected
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from accounts import actors
from assets import services
from assets.models import BoardAsset, ModerationEvent, ModerationStatus
from klipperiwc_site.admin_mixins import ReadOnlyModelAdmin


def change_summary(event: ModerationEvent):
    """An edit's changes as "field: old → new" lines; empty for other events."""
    return format_html_join(
        "",
        "<div>{}: “{}” → “{}”</div>",
        (
            (name, Truncator(change.get("old", "")).chars(80), Truncator(change.get("new", "")).chars(80))
            for name, change in sorted(event.changes.items())
        ),
    )


class DecisionForm(forms.Form):
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        max_length=5000,
        help_text="Shown to the uploader. Required when rejecting.",
    )

    def __init__(self, *args, notes_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].required = notes_required


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "status", "reviewer", "notes", "changed")
    verbose_name = "moderation event"
    verbose_name_plural = "moderation history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Changes")
    def changed(self, event):
        return change_summary(event)


class AssetDeletedFilter(admin.SimpleListFilter):
    title = "asset"
    parameter_name = "asset_deleted"

    def lookups(self, request, model_admin):
        return [("yes", "deleted"), ("no", "still there")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(asset__isnull=self.value() == "yes")
        return queryset


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyModelAdmin):
    """The audit trail of every asset, deleted ones included: read-only."""

    list_display = ["created_at", "asset_link", "action", "status", "reviewer", "changed", "notes"]
    list_filter = ["action", "status", AssetDeletedFilter, "created_at"]
    search_fields = ["asset_title", "reviewer", "notes"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    list_per_page = 100
    # One assignment: "readonly_fields = fields" would give it the type of fields (names or groups of names).
    fields = readonly_fields = (
        "created_at",
        "asset_link",
        "asset_ref",
        "asset_title",
        "action",
        "status",
        "reviewer",
        "notes",
        "changed",
    )

    @admin.display(description="Asset", ordering="asset_title")
    def asset_link(self, event):
        if event.asset_id is None:
            return format_html("{} <small>(deleted)</small>", event.asset_title)
        url = reverse("admin:assets_boardasset_change", args=[event.asset_id])
        return format_html('<a href="{}">{}</a>', url, event.asset_title)

    @admin.display(description="Changes")
    def changed(self, event):
        return change_summary(event)


# Tuples: a fieldset's "fields" takes names or groups of names, and a list[str] is not such a list.
MODERATION_FIELDS = ("status", "notes", "reviewer", "reviewed_at")
FILE_FIELDS = (
    "id",
    "uploaded_by",
    "original_filename",
    "content_type",
    "size",
    "width",
    "height",
    "sha256",
    "created_at",
    "updated_at",
)


@admin.register(BoardAsset)
class BoardAssetAdmin(admin.ModelAdmin):
    list_display = ["preview", "title", "status", "visibility", "content_type", "size_kib", "uploaded_by", "created_at"]
    list_display_links = ["preview", "title"]
    list_filter = ["status", "visibility", "content_type", "created_at"]
    search_fields = ["title", "uploaded_by", "=sha256"]
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["approve_selected", "reject_selected", "delete_selected"]
    inlines = [ModerationEventInline]
    fieldsets = [
        (None, {"fields": ["large_preview", "title", "description", "visibility"]}),
        ("Moderation", {"fields": MODERATION_FIELDS}),
        ("File", {"fields": FILE_FIELDS}),
    ]
    # Only the metadata is edited here; decisions go through the moderation views.
    readonly_fields = ["large_preview", *MODERATION_FIELDS, *FILE_FIELDS]

    # --- the queue: pending first, oldest first; the rest newest first ---------
    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(pending_since=Case(When(status=ModerationStatus.PENDING, then=F("created_at"))))
        )

    def get_ordering(self, request):
        return [F("pending_since").asc(nulls_last=True), "-created_at"]

    # --- previews -----------------------------------------------------------------
    def _image(self, asset, *, size: int):
        variant = "thumbnail" if asset.thumbnail_key else "file"
        url = reverse(f"assets:{variant}", args=[asset.pk])
        return format_html(
            '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;background:#fff" loading="lazy">',
            url,
            size,
            size,
        )

    @admin.display(description="Preview")
    def preview(self, asset):
        return self._image(asset, size=80)

    @admin.display(description="Preview")
    def large_preview(self, asset):
        return self._image(asset, size=320)

    @admin.display(description="Size", ordering="size")
    def size_kib(self, asset):
        return f"{asset.size / 1024:,.0f} KiB"

    # --- bulk actions -----------------------------------------------------------
    @admin.action(description="Approve selected assets")
    def approve_selected(self, request, queryset):
        self._decide(request, list(queryset), ModerationStatus.APPROVED, notes="")

    @admin.action(description="Reject selected assets (with a note)")
    def reject_selected(self, request, queryset):
        form = DecisionForm(request.POST if "apply" in request.POST else None, notes_required=True)
        if form.is_bound and form.is_valid():
            self._decide(request, list(queryset), ModerationStatus.REJECTED, notes=form.cleaned_data["notes"])
            return None  # back to the list
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject board assets",
            "opts": self.model._meta,
            "assets": queryset,
            "form": form,
            "action": "reject_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/assets/boardasset/reject_selected.html", context)

    def _decide(self, request, assets, status, *, notes):
        done, problems = services.assets_moderate(
            assets=assets,
            status=status,
            reviewer=request.user.get_username(),
            notes=notes,
            actor=actors.signed_in(request.user),
        )
        if done:
            self.message_user(request, f"{done} asset(s) {status}.", messages.SUCCESS)
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    # --- per-asset approve / reject ---------------------------------------------
    def get_urls(self):
        return [
            path(
                "<uuid:asset_id>/moderate/<str:decision>/",
                self.admin_site.admin_view(self.moderate_view),
                name="assets_boardasset_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, asset_id, decision):
        asset = get_object_or_404(BoardAsset, pk=asset_id)
        if decision not in (ModerationStatus.APPROVED, ModerationStatus.REJECTED, ModerationStatus.PENDING):
            return HttpResponseRedirect(reverse("admin:assets_boardasset_change", args=[asset.pk]))
        if not self.has_change_permission(request, asset):
            raise PermissionDenied
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            notes_required=decision == ModerationStatus.REJECTED,
        )
        if form.is_bound and form.is_valid():
            try:
                services.asset_moderate(
                    asset=asset,
                    status=decision,
                    reviewer=request.user.get_username(),
                    notes=form.cleaned_data["notes"],
                    actor=actors.signed_in(request.user),
                )
            except services.AssetError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"“{Truncator(asset.title).chars(60)}” is now {decision}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:assets_boardasset_change", args=[asset.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{decision.capitalize()}: {asset.title}",
            "opts": self.model._meta,
            "original": asset,
            "decision": decision,
            "form": form,
            "preview": self.large_preview(asset),
        }
        return TemplateResponse(request, "admin/assets/boardasset/moderate.html", context)

    # --- writes go through the services -------------------------------------------
    def has_add_permission(self, request):
        return False  # uploads come through the API, where every file is checked

    def save_model(self, request, obj, form, change):
        # A moderator's edit counts as reviewed: an approved asset stays approved.
        services.asset_update(
            asset=obj,
            editor=request.user.get_username(),
            actor=actors.signed_in(request.user),
            reviewed=True,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )

    def delete_model(self, request, obj):
        services.asset_delete(asset=obj, reviewer=request.user.get_username(), actor=actors.signed_in(request.user))

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except services.AssetError as exc:
            # Raised out of the view's transaction, so its log entry is rolled back with the delete.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:assets_boardasset_change", args=[object_id]))

    @admin.action(description="Delete selected board assets", permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's confirmation page, then one service call per asset, so a storage outage keeps that asset."""
        if not request.POST.get("post"):
            return confirm_delete_selected(self, request, queryset)
        deleted = 0
        for asset in queryset:
            try:
                services.asset_delete(
                    asset=asset, reviewer=request.user.get_username(), actor=actors.signed_in(request.user)
                )
            except services.AssetError as exc:
                self.message_user(request, f"{asset.title}: {exc.message}", messages.ERROR)
            else:
                self.log_deletions(request, [asset])
                deleted += 1
        if deleted:
            self.message_user(request, f"{deleted} asset(s) deleted.", messages.SUCCESS)
        return None
