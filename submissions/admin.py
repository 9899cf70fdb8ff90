"""Board submissions in the admin: the queue with its revisions, approve from the list, the review page a click away."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from accounts.roles import Role, user_has_role
from submissions import services
from submissions.models import BoardSubmission, BoardSubmissionRevision


class RevisionInline(admin.TabularInline):
    model = BoardSubmissionRevision
    extra = 0
    can_delete = False
    fields = ("number", "outcome", "notes", "reviewer", "reviewed_at", "picture", "created_at")
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BoardSubmission)
class BoardSubmissionAdmin(admin.ModelAdmin):
    list_display = ["board_id", "submitter", "state", "updated_at", "review_link"]
    list_filter = ["state"]
    search_fields = ["board_id", "submitter__username"]
    readonly_fields = ["board_id", "submitter", "state", "created_at", "updated_at", "review_link"]
    inlines = [RevisionInline]
    actions = ["approve"]

    def has_add_permission(self, request) -> bool:
        return False  # submissions come from the designer

    def get_queryset(self, request):
        # Staff who are not moderators see their own submissions only.
        queryset = super().get_queryset(request)
        return queryset if user_has_role(request.user, Role.MODERATOR) else queryset.filter(submitter=request.user)

    @admin.display(description="review")
    def review_link(self, obj) -> str:
        return format_html(
            '<a href="{}">picture, pins, validation and diff</a>', reverse("submission-review", args=[obj.pk])
        )

    @admin.action(description="Approve the selected submissions (they enter the board library)")
    def approve(self, request, queryset):
        for submission in queryset:
            try:
                services.submission_approve(submission=submission, moderator=request.user)
            except services.SubmissionRefused as exc:
                self.message_user(request, f"{submission.board_id}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{submission.board_id}: approved.")
