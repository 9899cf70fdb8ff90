"""Board and printer submissions: a definition (a board's with its picture), in revisions, waiting for a moderator.

A submission is one board id from one submitter. Each "Submit for review" from the designer
adds a revision (the history is kept); the newest revision is the one reviewed. Approving puts
it into the catalog as a community board (boards.Board, source "community"); a repository file
with the same id later wins (``sync_boards``) and marks the submission merged. Printer definitions
go the same way into the printer catalog (PrinterSubmission, printers.CommunityPrinter).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SubmissionState(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"  # a repository file with its id arrived (sync_boards)


class RevisionOutcome(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a newer revision came before a decision


class Submission(models.Model):
    """What a board and a printer submission share: the state of the newest revision, and when."""

    # The newest revision's state (each revision keeps its own verdict).
    state = models.CharField(max_length=10, choices=SubmissionState.choices, default=SubmissionState.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Revision(models.Model):
    """What a board and a printer submission's revisions share: the definition and the verdict on it."""

    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The verdict on this revision: approved or rejected by a moderator, or replaced by a newer one.
    outcome = models.CharField(max_length=10, choices=RevisionOutcome.choices, default=RevisionOutcome.PENDING)
    notes = models.TextField(blank=True, help_text="The moderator's words to the submitter.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class BoardSubmission(Submission):
    board_id = models.CharField(max_length=100, db_index=True, help_text="The definition's id.")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="board_submissions"
    )

    class Meta:
        db_table = "board_submissions"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "updated_at"], name="board_submission_state_idx")]
        # One open submission per person and board id: a new submission of it is a revision of that one.
        constraints = [
            models.UniqueConstraint(
                fields=["submitter", "board_id"],
                condition=models.Q(state__in=["pending", "rejected"]),
                name="board_submission_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.board_id} ({self.state})"


class BoardSubmissionRevision(Revision):
    submission = models.ForeignKey(BoardSubmission, on_delete=models.CASCADE, related_name="revisions")
    picture = models.ForeignKey(
        "assets.BoardAsset", on_delete=models.SET_NULL, null=True, blank=True, related_name="submission_revisions"
    )

    class Meta:
        db_table = "board_submission_revisions"
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="board_submission_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission.board_id} revision {self.number}"


class PrinterSubmission(Submission):
    """A printer definition (printers/schema/) from one submitter, in revisions, as a board submission is.

    Approving puts it into the printer catalog as a community printer (printers.CommunityPrinter);
    a shipped file with the same id (printers/definitions/) wins there.
    """

    printer_id = models.CharField(max_length=80, db_index=True, help_text="The definition's id.")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="printer_submissions"
    )

    class Meta:
        db_table = "printer_submissions"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "updated_at"], name="printer_submission_state_idx")]
        # One open submission per person and printer id: a new submission of it is a revision of that one.
        constraints = [
            models.UniqueConstraint(
                fields=["submitter", "printer_id"],
                condition=models.Q(state__in=["pending", "rejected"]),
                name="printer_submission_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.printer_id} ({self.state})"


class PrinterSubmissionRevision(Revision):
    submission = models.ForeignKey(PrinterSubmission, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        db_table = "printer_submission_revisions"
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="printer_submission_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission.printer_id} revision {self.number}"
