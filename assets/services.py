"""Writes of the assets app: upload, metadata update, moderation, delete.

The API, the admin and management commands all call these. Each keeps the
file store and the database in step: a file is stored before its row is
written and removed again when the row cannot be written, and it is removed
inside the transaction that deletes its row, so there is never a row
without its file nor a stored file without its row. Each write leaves a
ModerationEvent, the asset's audit trail, which outlives the asset.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from accounts import actors
from accounts.actors import Actor
from assets import selectors, storage
from assets.inspection import begin_check
from assets.models import LIVE_STATUSES, BoardAsset, EventAction, ModerationEvent, ModerationStatus, Visibility
from assets.validation import RejectedFile
from klipperiwc_site import metrics

logger = logging.getLogger(__name__)


class AssetError(Exception):
    """A write that cannot be done; ``status_code`` is the HTTP status the API answers with."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(AssetError):
    status_code = 413


class FileRejected(AssetError):
    """Not an acceptable board graphic (415 unsupported type, 400 broken file)."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class DuplicateAsset(AssetError):
    status_code = 409

    def __init__(self, existing: BoardAsset | None) -> None:
        where = f" (asset {existing.pk}, {existing.status})" if existing else ""
        super().__init__(f"This file was uploaded before{where}; it is pending or approved.")
        self.existing = existing


class StorageUnavailable(AssetError):
    status_code = 503


class ModerationRefused(AssetError):
    status_code = 400


class SameStatus(AssetError):
    status_code = 409


class AssetGone(AssetError):
    """The asset was deleted while this write waited for its row."""

    status_code = 404


def _checksum(file) -> str:
    file.seek(0)
    digest = hashlib.file_digest(file, "sha256").hexdigest()
    file.seek(0)
    return digest


def _live_duplicate(sha256: str) -> BoardAsset | None:
    return BoardAsset.objects.filter(sha256=sha256, status__in=LIVE_STATUSES).order_by("created_at").first()


def _discard(keys: list[str]) -> None:
    """Remove stored files whose row was not (or is no longer) written; never raises."""
    for key in keys:
        try:
            storage.asset_storage().delete(key)
        except Exception:
            # Logged for the operator: the only way a file outlives its row.
            logger.exception("Could not remove the stored board-asset file %s", key)


def _default_title(original_filename: str) -> str:
    stem = PurePath(original_filename).stem.replace("_", " ").replace("-", " ").strip()
    return (stem or "Untitled board asset")[:200]


@metrics.counts_uploads
def asset_upload(
    *,
    file,
    title: str = "",
    description: str = "",
    visibility: str = Visibility.PRIVATE,
    uploaded_by: str = "",
    original_filename: str = "",
    actor: Actor = actors.TOKEN,
) -> BoardAsset:
    """Check, store and record an uploaded board graphic; it starts ``pending``.

    ``file`` is any binary file object (Django's UploadedFile from a request).
    Raises FileTooLarge, FileRejected, DuplicateAsset or StorageUnavailable.
    """
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size > settings.BOARD_ASSET_MAX_BYTES:
        raise FileTooLarge(f"The file has {size} bytes; at most {settings.BOARD_ASSET_MAX_BYTES} are allowed.")
    try:
        check = begin_check(file, max_pixels=settings.BOARD_ASSET_MAX_PIXELS)
    except RejectedFile as exc:
        raise FileRejected(str(exc), status_code=exc.status_code) from None
    # While the child checks: the file's checksum and whether it is here already.
    try:
        sha256 = _checksum(file)
        existing = _live_duplicate(sha256)
    except BaseException:
        check.abandon()
        raise
    try:
        inspected, thumbnail = check.result()
    except RejectedFile as exc:
        raise FileRejected(str(exc), status_code=exc.status_code) from None
    content: File
    if inspected.sanitized is not None:
        # What is stored (and compared) is the sanitised SVG, not the upload.
        content = ContentFile(inspected.sanitized)
        size = len(inspected.sanitized)
        sha256 = hashlib.sha256(inspected.sanitized).hexdigest()
        existing = _live_duplicate(sha256)
    else:
        # An upload spooled to disk is moved into local storage, not copied.
        content = file if isinstance(file, File) else File(file)
    if existing is not None:
        raise DuplicateAsset(existing)

    asset_id = uuid.uuid4()
    stored: list[str] = []
    try:
        key = storage.asset_storage().save(storage.storage_key(asset_id, inspected.extension), content)
        stored.append(key)
        thumbnail_key = ""
        if thumbnail is not None:
            thumbnail_key = storage.asset_storage().save(storage.thumbnail_key(asset_id), ContentFile(thumbnail))
            stored.append(thumbnail_key)
    except Exception as exc:
        _discard(stored)
        logger.exception("Could not store board asset %s", asset_id)
        raise StorageUnavailable("The file could not be stored; nothing was kept. Try again later.") from exc

    try:
        with transaction.atomic():
            asset = BoardAsset.objects.create(
                id=asset_id,
                title=(title or _default_title(original_filename))[:200],
                description=description,
                visibility=visibility,
                uploaded_by=uploaded_by,
                original_filename=original_filename[:255],
                content_type=inspected.content_type,
                size=size,
                sha256=sha256,
                width=inspected.width,
                height=inspected.height,
                storage_key=key,
                thumbnail_key=thumbnail_key,
            )
            _event(asset, action=EventAction.UPLOAD, notes="Uploaded.", actor=actor)
    except IntegrityError:
        # Another upload of the same file won the race (the unique constraint).
        _discard(stored)
        raise DuplicateAsset(_live_duplicate(sha256)) from None
    except DatabaseError as exc:
        _discard(stored)
        logger.exception("Could not record board asset %s", asset_id)
        raise StorageUnavailable("The upload could not be recorded; nothing was kept. Try again later.") from exc
    except BaseException:
        _discard(stored)
        raise
    logger.info("Board asset %s uploaded (%s, %d bytes)", asset.pk, asset.content_type, asset.size)
    return asset


def asset_update(
    *,
    asset: BoardAsset,
    title: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    editor: str = "",
    reviewed: bool = False,
    actor: Actor = actors.TOKEN,
) -> BoardAsset:
    """Change an asset's metadata; None leaves a field as it is.

    Every real change writes an "edit" event that records each changed field
    (old and new value). An approved asset that an uploader edits
    (``reviewed`` False) goes back to ``pending``: the public sees nothing
    that no moderator has seen. Pending and rejected assets keep their status
    (a rejected asset is not shown, and its rejection still stands).
    ``editor`` and ``reviewed`` come from the admin, where a moderator edits.
    Setting the values an asset already has changes nothing and writes no event.
    """
    if visibility is not None and visibility not in Visibility.values:
        raise AssetError(f"visibility must be one of: {', '.join(Visibility.values)}.")
    wanted = {
        name: value
        for name, value in (("title", title), ("description", description), ("visibility", visibility))
        if value is not None
    }
    if not wanted:
        return asset
    with transaction.atomic():
        locked = _locked(asset)
        changes = {
            name: {"old": getattr(locked, name), "new": value}
            for name, value in wanted.items()
            if getattr(locked, name) != value
        }
        if not changes:
            return locked
        for name, change in changes.items():
            setattr(locked, name, change["new"])
        fields = [*changes, "updated_at"]
        notes = ""
        if locked.status == ModerationStatus.APPROVED and not reviewed:
            locked.status = ModerationStatus.PENDING
            fields.append("status")
            notes = "Edited after approval; back to pending until a moderator looks at it again."
        locked.save(update_fields=fields)
        _event(locked, action=EventAction.EDIT, reviewer=editor[:150], notes=notes, changes=changes, actor=actor)
    logger.info("Board asset %s edited (%s); now %s", locked.pk, ", ".join(changes), locked.status)
    return locked


def _locked(asset: BoardAsset) -> BoardAsset:
    """The asset's row, locked until the transaction ends; AssetGone when it was deleted meanwhile."""
    locked = BoardAsset.objects.select_for_update().filter(pk=asset.pk).first()
    if locked is None:
        raise AssetGone(f"No board asset with id {asset.pk}.")
    return locked


def _event(
    asset: BoardAsset, *, action: str, actor: Actor, reviewer: str = "", notes: str = "", changes=None
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        user_id=actor.user_id,
        credential=actor.credential,
        asset=asset,
        asset_ref=asset.pk,
        asset_title=asset.title,
        action=action,
        status=asset.status,
        reviewer=reviewer,
        notes=notes,
        changes=changes or {},
    )


def asset_moderate(
    *, asset: BoardAsset, status: str, reviewer: str, notes: str = "", actor: Actor = actors.TOKEN
) -> BoardAsset:
    """Record a moderation decision and its event. Rejecting needs notes.

    A decision for the status the asset already has is refused (409), so the
    history holds transitions only.
    """
    if status not in ModerationStatus.values:
        raise ModerationRefused(f"status must be one of: {', '.join(ModerationStatus.values)}.")
    notes = notes.strip()
    if status == ModerationStatus.REJECTED and not notes:
        raise ModerationRefused("Rejecting needs notes that tell the uploader why.")
    reviewer = reviewer.strip()
    if not reviewer:
        raise ModerationRefused("reviewer is required: who made this decision.")
    try:
        with transaction.atomic():
            locked = _locked(asset)
            if locked.status == status:
                raise SameStatus(f"The asset is already {status}; nothing was changed.")
            locked.status = status
            locked.notes = notes
            locked.reviewer = reviewer[:150]
            locked.reviewed_at = timezone.now()
            locked.save(update_fields=["status", "notes", "reviewer", "reviewed_at", "updated_at"])
            _event(locked, action=EventAction.DECISION, reviewer=locked.reviewer, notes=notes, actor=actor)
    except IntegrityError:
        # Back to pending/approved while another copy of the same file is live.
        raise DuplicateAsset(_live_duplicate(asset.sha256)) from None
    logger.info("Board asset %s moderated: %s by %s", asset.pk, status, locked.reviewer)
    return locked


def assets_moderate(
    *, assets, status: str, reviewer: str, notes: str = "", actor: Actor = actors.TOKEN
) -> tuple[int, list[str]]:
    """asset_moderate for many assets (admin bulk actions); returns (done, problems)."""
    done, problems = 0, []
    for asset in assets:
        try:
            asset_moderate(asset=asset, status=status, reviewer=reviewer, notes=notes, actor=actor)
        except AssetError as exc:
            problems.append(f"{asset.title}: {exc.message}")
        else:
            done += 1
    return done, problems


def asset_delete(*, asset: BoardAsset, reviewer: str, actor: Actor = actors.TOKEN) -> None:
    """Delete the asset's files and row together, leaving a "delete" event behind.

    The files are removed inside the transaction that deletes the (locked)
    row: when the file store fails, the row stays and StorageUnavailable
    (503) says to try again, so a file never outlives its row. Deleting a
    file that is already gone succeeds, so the retry works after a partial
    removal (or after a commit that failed once the files were gone: the file
    view answers 404 for such a row meanwhile). The asset's events stay
    (asset set to NULL) with the new one.
    """
    try:
        with transaction.atomic():
            locked = _locked(asset)
            keys = [key for key in (locked.thumbnail_key, locked.storage_key) if key]
            _event(locked, action=EventAction.DELETE, reviewer=reviewer.strip()[:150], notes="Deleted.", actor=actor)
            locked.delete()
            for key in keys:
                try:
                    storage.asset_storage().delete(key)
                except Exception as exc:
                    logger.exception("Could not remove the stored board-asset file %s; the asset is kept", key)
                    raise StorageUnavailable(
                        "The file store is unavailable, so the asset was not deleted. Try again later."
                    ) from exc
    except DatabaseError:
        logger.exception("Could not delete board asset %s", asset.pk)
        raise
    logger.info("Board asset %s deleted by %s", asset.pk, reviewer or "an unnamed moderator")


def asset_files_sweep(*, older_than_seconds: int, dry_run: bool = False) -> list[str]:
    """Remove the files interrupted uploads left behind (no row, untouched for ``older_than_seconds``).

    The grace keeps the files of an upload still between storing and committing; each file's row
    is looked for once more right before it goes. Returns the names removed (or, with
    ``dry_run``, that would be). Celery beat runs it (assets.files_sweep); so does
    ``manage.py sweep_board_asset_files``.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    found = selectors.asset_files_without_row(modified_before=cutoff)
    if dry_run:
        return found
    removed = []
    for name in found:
        asset_id = name.split(".", 1)[0]
        if BoardAsset.objects.filter(pk=asset_id).exists():
            continue  # its upload committed after all
        storage.asset_storage().delete(name)
        removed.append(name)
    if removed:
        logger.warning("Removed %d board-asset file(s) that no asset row points to: %s", len(removed), removed)
    return removed
