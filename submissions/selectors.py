"""Reads of board submissions."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.roles import Role, user_has_role
from submissions.models import BoardSubmission, BoardSubmissionRevision, SubmissionState


def _with_revisions(submissions: QuerySet[BoardSubmission]) -> QuerySet[BoardSubmission]:
    revisions = BoardSubmissionRevision.objects.select_related("picture", "reviewer").order_by("-number")
    return submissions.select_related("submitter").prefetch_related(Prefetch("revisions", queryset=revisions))


def submissions_of(*, user) -> QuerySet[BoardSubmission]:
    return _with_revisions(BoardSubmission.objects.filter(submitter=user))


def submissions_to_review() -> QuerySet[BoardSubmission]:
    """Pending submissions, the longest waiting first."""
    return _with_revisions(BoardSubmission.objects.filter(state=SubmissionState.PENDING)).order_by("updated_at", "id")


def submission_visible(*, submission_id: int, user) -> BoardSubmission | None:
    """The submission if ``user`` may see it: its submitter, or a moderator."""
    submission = _with_revisions(BoardSubmission.objects.filter(pk=submission_id)).first()
    if submission is None:
        return None
    if submission.submitter_id == getattr(user, "pk", None) and user.is_active:
        return submission
    return submission if user_has_role(user, Role.MODERATOR) else None


def newest_revision(submission: BoardSubmission) -> BoardSubmissionRevision | None:
    revisions = list(submission.revisions.all())  # prefetched, newest first
    return revisions[0] if revisions else None
