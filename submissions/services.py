"""Writes of board and printer submissions: submit (a new revision), approve, reject, and what sync_boards
marks merged.

Each function is one transaction; its audit is the revision's verdict (who, when, notes) and, for a
board, the board-asset events of the picture (assets/services.py). Both kinds share the revision
bookkeeping and the decision (the helpers below take either model).
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import overload

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.actors import Actor
from accounts.models import Credential
from accounts.roles import Role, user_has_role
from accounts.services import user_can_submit
from assets import services as asset_services
from assets.models import BoardAsset, ModerationStatus, Visibility
from boards.definition_files import definition_file_path, definition_file_sha256
from boards.models import Board, BoardSource
from boards.selectors import board_get
from boards.services import board_fields
from boards.validation import ValidationError, definition_validate
from klipperiwc_site.json_limits import json_unstorable
from printers.definitions import printer_definition
from printers.models import CommunityPrinter
from printers.validation import printer_validate
from submissions.models import (
    BoardSubmission,
    BoardSubmissionRevision,
    PrinterSubmission,
    PrinterSubmissionRevision,
    RevisionOutcome,
    SubmissionState,
)
from submissions.printer_files import printer_in_schema_order

logger = logging.getLogger(__name__)

ASSET_REFERENCE = re.compile(r"board-asset:([0-9a-fA-F-]{36})\Z")
# Definition fields that land in a Board column of limited length: JSON path -> (keys, column).
COLUMN_LIMITS = {
    "/id": (("id",), "id"),
    "/name": (("name",), "name"),
    "/manufacturer": (("manufacturer",), "manufacturer"),
    "/revision": (("revision",), "revision"),
    "/mcu/family": (("mcu", "family"), "mcu_family"),
    "/mcu/chip": (("mcu", "chip"), "mcu_chip"),
    "/secondary_mcu": (("secondary_mcu",), "secondary_mcu"),
}
# The same for a printer definition and its CommunityPrinter columns.
PRINTER_COLUMN_LIMITS = {
    "/id": (("id",), "id"),
    "/name": (("name",), "name"),
    "/manufacturer": (("manufacturer",), "manufacturer"),
    "/kinematics": (("kinematics",), "kinematics"),
    "/boards/main": (("boards", "main"), "main_board"),
    "/boards/toolhead/board": (("boards", "toolhead", "board"), "toolhead_board"),
}
# A submission its submitter may still revise: a new submission of its id is a revision of it.
OPEN_STATES = [SubmissionState.PENDING, SubmissionState.REJECTED]


class SubmissionRefused(Exception):
    """A submission write that cannot be done: ``status_code`` its HTTP answer, ``errors`` a definition's problems."""

    def __init__(self, message: str, *, status_code: int = 400, errors: list[ValidationError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.errors = errors or []


def _referenced_asset(definition: dict, *, user) -> BoardAsset | None:
    """The board asset the definition's image names, if the submitter may use it; else a 400.

    Usable: an approved public asset (the designer's background from the asset list), or the
    picture of one of the submitter's own earlier revisions (a revision keeps its picture).
    """
    images = definition.get("images") or []
    match = ASSET_REFERENCE.match(str(images[0].get("file", ""))) if images else None
    if match is None:
        return None
    try:
        asset = BoardAsset.objects.filter(pk=uuid.UUID(match.group(1))).first()
    except ValueError:
        asset = None
    if asset is not None and (
        asset.is_public or BoardSubmissionRevision.objects.filter(submission__submitter=user, picture=asset).exists()
    ):
        return asset
    raise SubmissionRefused(
        "The definition's image names a board asset that is not approved and public, nor a picture of your own "
        "earlier submission; choose the picture again.",
        errors=[ValidationError("/images/0/file", "not a board asset this submission may use")],
    )


def _storable_problems(
    definition: dict, *, model: type[Board] | type[CommunityPrinter] = Board, limits: dict = COLUMN_LIMITS
) -> list[ValidationError]:
    """What the catalog's columns (of ``model``) or the database cannot take, with JSON paths (the rules allow more)."""
    problem = json_unstorable(definition)
    if problem:
        return [ValidationError("", f"the definition holds {problem}, which the database cannot store")]
    problems: list[ValidationError] = []
    for path, (keys, column) in limits.items():
        value = definition
        for key in keys:
            value = value.get(key, "") if isinstance(value, dict) else ""
        limit = getattr(model._meta.get_field(column), "max_length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            problems.append(ValidationError(path, f"at most {limit} characters (it has {len(value)})"))
    return problems


def _with_picture(definition: dict, asset: BoardAsset) -> dict:
    """The definition with its image entry pointing at ``asset`` (its size where the asset knows it)."""
    images = list(definition.get("images") or [])
    entry = dict(images[0]) if images else {"id": "top"}
    entry["file"] = f"board-asset:{asset.pk}"
    entry["sha256"] = asset.sha256
    if asset.width and asset.height:
        entry["width"], entry["height"] = asset.width, asset.height
    entry.setdefault("width", 1)
    entry.setdefault("height", 1)
    return {**definition, "images": [entry, *images[1:]]}


def _upload_picture(*, picture, definition: dict, actor: Actor) -> tuple[BoardAsset, bool]:
    """The picture as a (pending, public) board asset; an earlier upload of the same file is reused."""
    try:
        asset = asset_services.asset_upload(
            file=picture,
            title=f"{definition.get('name') or definition.get('id')} (submitted board picture)"[:200],
            visibility=Visibility.PUBLIC,
            uploaded_by=actor.name,
            original_filename=getattr(picture, "name", "") or "",
            actor=actor,
        )
    except asset_services.DuplicateAsset as exc:
        if exc.existing is None:
            raise
        return exc.existing, False
    return asset, True


def submission_submit(
    *, user, definition: object, picture=None, credential: str = Credential.SIGN_IN
) -> BoardSubmissionRevision:
    """Submit a board definition (and optionally its picture file) for review, as a new revision.

    The definition must pass the export rules (``definition_validate``); problems come back with
    their JSON paths (400). The submitter's open submission of the same board id (pending or
    rejected) gets the revision; otherwise a new submission starts. A pending revision it
    replaces is kept, marked replaced. Nothing is kept when any part fails: a picture uploaded
    for a revision that could not be written is deleted again.
    """
    _refuse_unless_submitter(user)
    problems = definition_validate(definition)
    if not problems and isinstance(definition, dict):
        problems = _storable_problems(definition)
    if problems:
        raise SubmissionRefused("The definition is not valid; fix these first.", errors=problems)
    assert isinstance(definition, dict)  # definition_validate accepts objects only
    actor = Actor(credential, user)
    asset, uploaded = None, False
    if picture is not None:
        asset, uploaded = _upload_picture(picture=picture, definition=definition, actor=actor)
        definition = _with_picture(definition, asset)
    else:
        asset = _referenced_asset(definition, user=user)
    try:
        with transaction.atomic():
            submission, number = _open_submission(BoardSubmission, user=user, object_id=definition["id"])
            revision = BoardSubmissionRevision.objects.create(
                submission=submission, number=number, definition=definition, picture=asset
            )
    except IntegrityError:
        _discard_picture(asset if uploaded else None, actor=actor)
        raise _submitted_twice("board") from None
    except BaseException:
        _discard_picture(asset if uploaded else None, actor=actor)
        raise
    logger.info("Board submission %s: revision %d of %s by user %s", submission.pk, number, definition["id"], user.pk)
    return revision


def _refuse_unless_submitter(user) -> None:
    if not user_can_submit(user):
        raise SubmissionRefused(
            "Submitting hardware needs an account in the contributors group (or a new signed-up account).",
            status_code=403,
        )


@overload
def _open_submission(model: type[BoardSubmission], *, user, object_id: str) -> tuple[BoardSubmission, int]: ...
@overload
def _open_submission(model: type[PrinterSubmission], *, user, object_id: str) -> tuple[PrinterSubmission, int]: ...
def _open_submission(model, *, user, object_id):
    """Inside a transaction: the submitter's open submission of ``object_id`` (locked), or a new one, and the
    number its new revision gets. A pending revision the new one replaces is marked replaced, the
    submission is pending again."""
    key = {"board_id": object_id} if model is BoardSubmission else {"printer_id": object_id}
    submission = model.objects.select_for_update().filter(submitter=user, state__in=OPEN_STATES, **key).first()
    if submission is None:
        return model.objects.create(submitter=user, **key), 1
    newest = submission.revisions.order_by("-number").first()
    submission.revisions.filter(outcome=RevisionOutcome.PENDING).update(outcome=RevisionOutcome.REPLACED)
    submission.state = SubmissionState.PENDING
    submission.save(update_fields=["state", "updated_at"])
    return submission, (newest.number + 1) if newest else 1


def _submitted_twice(kind: str) -> SubmissionRefused:
    # The same person's first submission of this id, twice at once: the other one won (the one-open constraint).
    return SubmissionRefused(
        f"This {kind} was just submitted from another request; look at My submissions and submit again.",
        status_code=409,
    )


def _discard_picture(asset: BoardAsset | None, *, actor: Actor) -> None:
    """Delete a picture uploaded for a revision that was not written (no asset without its submission)."""
    if asset is None:
        return
    try:
        asset_services.asset_delete(asset=asset, reviewer=actor.name, actor=actor)
    except Exception:  # the original error matters more; the orphan sweep removes a file left behind
        logger.exception("Could not delete board asset %s of a submission that was not written", asset.pk)


@overload
def _decidable(*, submission: BoardSubmission, moderator) -> tuple[BoardSubmission, BoardSubmissionRevision]: ...
@overload
def _decidable(*, submission: PrinterSubmission, moderator) -> tuple[PrinterSubmission, PrinterSubmissionRevision]: ...
def _decidable(*, submission, moderator):
    """Inside a transaction: the submission (locked) and its newest revision, if ``moderator`` may decide now."""
    if not user_has_role(moderator, Role.MODERATOR):
        raise SubmissionRefused("Only moderators review submissions.", status_code=403)
    locked = type(submission).objects.select_for_update().filter(pk=submission.pk).first()
    if locked is None:
        raise SubmissionRefused("The submission is gone.", status_code=404)
    if locked.state != SubmissionState.PENDING:
        raise SubmissionRefused(f"The submission is {locked.state} already; nothing was changed.", status_code=409)
    revision = locked.revisions.order_by("-number").first()
    if revision is None:
        raise SubmissionRefused("The submission has no revision to review.", status_code=409)
    return locked, revision


def _decide(
    submission: BoardSubmission | PrinterSubmission,
    revision: BoardSubmissionRevision | PrinterSubmissionRevision,
    *,
    outcome: str,
    moderator,
    notes: str,
) -> None:
    """The verdict on the (newest) revision, and the same state on its locked submission."""
    revision.outcome = outcome
    revision.notes = notes
    revision.reviewer = moderator
    revision.reviewed_at = timezone.now()
    revision.save(update_fields=["outcome", "notes", "reviewer", "reviewed_at"])
    submission.state = SubmissionState.APPROVED if outcome == RevisionOutcome.APPROVED else SubmissionState.REJECTED
    submission.save(update_fields=["state", "updated_at"])


def _rejection_notes(notes: str) -> str:
    notes = notes.strip()
    if not notes:
        raise SubmissionRefused("Rejecting needs a note that tells the submitter why.")
    return notes


def submission_approve(*, submission: BoardSubmission, moderator, notes: str = "") -> BoardSubmissionRevision:
    """Approve the newest revision: it enters the catalog as a community board with its (approved) picture.

    A repository board with the same id stays as it is (its file wins; a pull request changes it);
    the submission is approved, its file downloadable for that pull request.
    """
    with transaction.atomic():
        locked, revision = _decidable(submission=submission, moderator=moderator)
        problems = definition_validate(revision.definition) or _storable_problems(revision.definition)
        if problems:  # the rules changed since it was submitted
            raise SubmissionRefused(
                "The definition no longer passes the rules; reject it with a note.", errors=problems
            )
        asset = revision.picture
        if asset is not None and asset.status == ModerationStatus.REJECTED:
            raise SubmissionRefused(
                "Its picture was rejected as a board asset; reject the submission, or approve the picture first.",
                status_code=409,
            )
        if asset is not None and asset.status == ModerationStatus.PENDING:
            try:
                asset = asset_services.asset_moderate(
                    asset=asset,
                    status=ModerationStatus.APPROVED,
                    reviewer=moderator.get_username(),
                    notes="Approved with its board submission.",
                    actor=Actor(Credential.SIGN_IN, moderator),
                )
            except asset_services.AssetError as exc:  # deleted meanwhile, or a duplicate is live
                raise SubmissionRefused(f"Its picture could not be approved: {exc.message}", status_code=409) from None
        definition = revision.definition
        board = Board.objects.select_for_update().filter(pk=locked.board_id).first()
        if board is None or board.source == BoardSource.COMMUNITY:
            fields = {
                **board_fields(definition),
                "source_file": definition_file_path(definition),
                "content_sha256": definition_file_sha256(definition),
                "source": BoardSource.COMMUNITY,
                "picture": asset,
                "submitted_by": locked.submitter,
                "submission": locked,
            }
            Board.objects.update_or_create(pk=locked.board_id, defaults=fields)
        elif board.picture is None and asset is not None:
            board.picture = asset  # a repository board without a picture shows the community's
            board.save(update_fields=["picture", "updated_at"])
        _decide(locked, revision, outcome=RevisionOutcome.APPROVED, moderator=moderator, notes=notes.strip())
    logger.info("Board submission %s approved by user %s", locked.pk, moderator.pk)
    return revision


def submission_reject(*, submission: BoardSubmission, moderator, notes: str) -> BoardSubmissionRevision:
    """Reject the newest revision with a note the submitter reads; the submitter may revise it."""
    notes = _rejection_notes(notes)
    with transaction.atomic():
        locked, revision = _decidable(submission=submission, moderator=moderator)
        _decide(locked, revision, outcome=RevisionOutcome.REJECTED, moderator=moderator, notes=notes)
    logger.info("Board submission %s rejected by user %s", locked.pk, moderator.pk)
    return revision


def submissions_merged(*, replaced: list[str], files: dict[str, str]) -> int:
    """Mark approved submissions merged once a repository file carries them (sync_boards).

    ``replaced``: ids of community boards a repository file now replaces; ``files``: the sha256 of
    each added or changed repository file by id. A submission approved beside an existing
    repository board is merged when that board's file becomes exactly its file.
    """
    merged = set(replaced)
    approved = BoardSubmission.objects.filter(board_id__in=list(files), state=SubmissionState.APPROVED)
    for submission in approved.prefetch_related("revisions"):
        newest = max(submission.revisions.all(), key=lambda revision: revision.number, default=None)
        if newest is not None and definition_file_sha256(newest.definition) == files[submission.board_id]:
            merged.add(submission.board_id)
    return BoardSubmission.objects.filter(board_id__in=merged, state=SubmissionState.APPROVED).update(
        state=SubmissionState.MERGED, updated_at=timezone.now()
    )


# --- printer definitions -------------------------------------------------------------------------


def _catalog_board(board_id: str) -> dict | None:
    """A board of the board catalog (repository and community boards) for printer_validate."""
    board = board_get(board_id=board_id)
    return board.definition if board is not None else None


def printer_problems(definition: object) -> list[ValidationError]:
    """Everything that keeps a printer definition out of the catalog, with JSON paths (empty: it may go in)."""
    problems, _ = printer_validate(definition, board_lookup=_catalog_board)
    if not problems and isinstance(definition, dict):
        problems = _storable_problems(definition, model=CommunityPrinter, limits=PRINTER_COLUMN_LIMITS)
    return problems


def printer_submission_submit(
    *, user, definition: object, credential: str = Credential.SIGN_IN
) -> PrinterSubmissionRevision:
    """Submit a printer definition for review, as a new revision.

    The definition must pass the printer rules against the board catalog (``printer_validate``:
    its boards exist, drivers and connectors fit, no pin twice) and fit the catalog's columns;
    problems come back with their JSON paths (400). The submitter's open submission of the same
    printer id (pending or rejected) gets the revision; otherwise a new submission starts. The id
    may be a shipped printer's: approving it then records the approval, the shipped file stays.
    """
    _refuse_unless_submitter(user)
    problems = printer_problems(definition)
    if problems:
        raise SubmissionRefused("The printer definition is not valid; fix these first.", errors=problems)
    assert isinstance(definition, dict)  # printer_validate accepts objects only
    try:
        with transaction.atomic():
            submission, number = _open_submission(PrinterSubmission, user=user, object_id=definition["id"])
            revision = PrinterSubmissionRevision.objects.create(
                submission=submission, number=number, definition=definition
            )
    except IntegrityError:
        raise _submitted_twice("printer") from None
    logger.info(
        "Printer submission %s: revision %d of %s by user %s (%s)",
        submission.pk,
        number,
        definition["id"],
        user.pk,
        credential,
    )
    return revision


def _community_printer_fields(definition: dict) -> dict:
    toolhead = definition["boards"].get("toolhead")
    return {
        "definition": definition,
        "name": definition["name"],
        "manufacturer": definition["manufacturer"],
        "kinematics": definition["kinematics"],
        "main_board": definition["boards"]["main"],
        "toolhead_board": toolhead["board"] if toolhead else None,
    }


def printer_submission_approve(
    *, submission: PrinterSubmission, moderator, notes: str = ""
) -> PrinterSubmissionRevision:
    """Approve the newest revision: it enters the printer catalog as a community printer.

    A shipped printer with the same id stays as it is (its file wins; a pull request changes it):
    the approval is recorded, the file downloadable for that pull request. An earlier community
    printer of that id is replaced.
    """
    with transaction.atomic():
        locked, revision = _decidable(submission=submission, moderator=moderator)
        problems = printer_problems(revision.definition)
        if problems:  # the rules or the boards changed since it was submitted
            raise SubmissionRefused(
                "The printer definition no longer passes the rules; reject it with a note.", errors=problems
            )
        if printer_definition(locked.printer_id) is None:
            CommunityPrinter.objects.update_or_create(
                pk=locked.printer_id,
                defaults={
                    **_community_printer_fields(printer_in_schema_order(revision.definition)),
                    "submitted_by": locked.submitter,
                    "submission": locked,
                },
            )
        _decide(locked, revision, outcome=RevisionOutcome.APPROVED, moderator=moderator, notes=notes.strip())
    logger.info("Printer submission %s approved by user %s", locked.pk, moderator.pk)
    return revision


def printer_submission_reject(*, submission: PrinterSubmission, moderator, notes: str) -> PrinterSubmissionRevision:
    """Reject the newest revision with a note the submitter reads; the submitter may revise it."""
    notes = _rejection_notes(notes)
    with transaction.atomic():
        locked, revision = _decidable(submission=submission, moderator=moderator)
        _decide(locked, revision, outcome=RevisionOutcome.REJECTED, moderator=moderator, notes=notes)
    logger.info("Printer submission %s rejected by user %s", locked.pk, moderator.pk)
    return revision
