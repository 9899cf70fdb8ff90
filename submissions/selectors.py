"""Reads of board and printer submissions."""

from __future__ import annotations

from typing import TypeVar, overload

from django.db.models import Prefetch, QuerySet

from accounts.roles import Role, user_has_role
from submissions.models import (
    BoardSubmission,
    BoardSubmissionRevision,
    PrinterSubmission,
    PrinterSubmissionRevision,
    SubmissionState,
)

Submission = TypeVar("Submission", BoardSubmission, PrinterSubmission)


def _with_revisions(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """With the submitter and the revisions (newest first, with their reviewers) of either kind."""
    revision_model = submissions.model._meta.get_field("revisions").related_model
    revisions = revision_model._default_manager.select_related("reviewer").order_by("-number")
    return submissions.select_related("submitter").prefetch_related(Prefetch("revisions", queryset=revisions))


def _visible_to(submission: Submission | None, *, user) -> Submission | None:
    """The submission if ``user`` may see it: its submitter, or a moderator."""
    if submission is None:
        return None
    if submission.submitter_id == getattr(user, "pk", None) and user.is_active:
        return submission
    return submission if user_has_role(user, Role.MODERATOR) else None


def submissions_of(*, user) -> QuerySet[BoardSubmission]:
    return _with_revisions(BoardSubmission.objects.filter(submitter=user))


def submissions_to_review() -> QuerySet[BoardSubmission]:
    """Pending submissions, the longest waiting first."""
    return _with_revisions(BoardSubmission.objects.filter(state=SubmissionState.PENDING)).order_by("updated_at", "id")


def submission_visible(*, submission_id: int, user) -> BoardSubmission | None:
    """The submission if ``user`` may see it: its submitter, or a moderator."""
    return _visible_to(_with_revisions(BoardSubmission.objects.filter(pk=submission_id)).first(), user=user)


def printer_submissions_of(*, user) -> QuerySet[PrinterSubmission]:
    return _with_revisions(PrinterSubmission.objects.filter(submitter=user))


def printer_submissions_to_review() -> QuerySet[PrinterSubmission]:
    """Pending printer submissions, the longest waiting first."""
    pending = PrinterSubmission.objects.filter(state=SubmissionState.PENDING)
    return _with_revisions(pending).order_by("updated_at", "id")


def printer_submission_visible(*, submission_id: int, user) -> PrinterSubmission | None:
    """The printer submission if ``user`` may see it: its submitter, or a moderator."""
    return _visible_to(_with_revisions(PrinterSubmission.objects.filter(pk=submission_id)).first(), user=user)


@overload
def newest_revision(submission: BoardSubmission) -> BoardSubmissionRevision | None: ...
@overload
def newest_revision(submission: PrinterSubmission) -> PrinterSubmissionRevision | None: ...
def newest_revision(submission):
    """The newest revision of a board or printer submission (from the prefetched revisions), or None."""
    revisions = list(submission.revisions.all())  # prefetched, newest first
    return revisions[0] if revisions else None


def previous_revision(submission: PrinterSubmission) -> PrinterSubmissionRevision | None:
    """The revision before the newest one (prefetched), or None."""
    revisions = list(submission.revisions.all())
    return revisions[1] if len(revisions) > 1 else None
