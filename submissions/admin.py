"""Board and printer submissions in the admin: the queue with its revisions, approve or reject (with a note)
from the list, the review page a click away; the community printers the approvals made."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from accounts.roles import Role, user_has_role
from assets.admin import DecisionForm
from submissions import services
from submissions.models import (
    BoardSubmission,
    BoardSubmissionRevision,
    PrinterSubmission,
    PrinterSubmissionRevision,
)


class RevisionInline(admin.TabularInline):
    model = BoardSubmissionRevision
    extra = 0
    can_delete = False
    fields = ("number", "outcome", "notes", "reviewer", "reviewed_at", "picture", "created_at")
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PrinterRevisionInline(admin.TabularInline):
    model = PrinterSubmissionRevision
    extra = 0
    can_delete = False
    fields = ("number", "outcome", "notes", "reviewer", "reviewed_at", "created_at")
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class _SubmissionAdmin(admin.ModelAdmin):
    """What both kinds share: read-only rows, moderators see all, approve and reject (with a note) from the list."""

    id_field = "board_id"  # the definition's id on the submission
    review_url_name = "submission-review"
    review_text = "review"
    # The services this kind's decisions go through (keyword arguments submission, moderator, notes).
    approve_service: Callable[..., object]
    reject_service: Callable[..., object]
    list_filter = ["state"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request) -> bool:
        return False  # submissions come from the designers

    def get_queryset(self, request):
        # Staff who are not moderators see their own submissions only.
        queryset = super().get_queryset(request)
        return queryset if user_has_role(request.user, Role.MODERATOR) else queryset.filter(submitter=request.user)

    @admin.display(description="review")
    def review_link(self, obj) -> str:
        return format_html('<a href="{}">{}</a>', reverse(self.review_url_name, args=[obj.pk]), self.review_text)

    @admin.action(description="Approve the selected submissions (they enter the catalog)")
    def approve(self, request, queryset):
        for submission in queryset:
            self._decide(request, submission, "approve", notes="")

    @admin.action(description="Reject the selected submissions (with a note)")
    def reject(self, request, queryset):
        form = DecisionForm(request.POST if "apply" in request.POST else None, notes_required=True)
        if form.is_bound and form.is_valid():
            for submission in queryset:
                self._decide(request, submission, "reject", notes=form.cleaned_data["notes"])
            return None  # back to the list
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject submissions",
            "opts": self.model._meta,
            "submissions": [(submission.pk, getattr(submission, self.id_field), submission) for submission in queryset],
            "form": form,
            "action": "reject",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "submissions/admin_reject.html", context)

    def _decide(self, request, submission, decision: str, *, notes: str) -> None:
        name = getattr(submission, self.id_field)
        try:
            decide = self.approve_service if decision == "approve" else self.reject_service
            decide(submission=submission, moderator=request.user, notes=notes)
        except services.SubmissionRefused as exc:
            self.message_user(request, f"{name}: {exc.message}", messages.ERROR)
        else:
            self.message_user(request, f"{name}: {'approved' if decision == 'approve' else 'rejected'}.")


@admin.register(BoardSubmission)
class BoardSubmissionAdmin(_SubmissionAdmin):
    list_display = ["board_id", "submitter", "state", "updated_at", "review_link"]
    search_fields = ["board_id", "submitter__username"]
    readonly_fields = ["board_id", "submitter", "state", "created_at", "updated_at", "review_link"]
    inlines = [RevisionInline]
    review_text = "picture, pins, validation and diff"

    approve_service = staticmethod(services.submission_approve)
    reject_service = staticmethod(services.submission_reject)


@admin.register(PrinterSubmission)
class PrinterSubmissionAdmin(_SubmissionAdmin):
    list_display = ["printer_id", "submitter", "state", "updated_at", "review_link"]
    search_fields = ["printer_id", "submitter__username"]
    readonly_fields = ["printer_id", "submitter", "state", "created_at", "updated_at", "review_link"]
    inlines = [PrinterRevisionInline]
    id_field = "printer_id"
    review_url_name = "printer-submission-review"
    review_text = "definition, validation, printer.cfg and diff"

    approve_service = staticmethod(services.printer_submission_approve)
    reject_service = staticmethod(services.printer_submission_reject)
