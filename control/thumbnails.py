"""G-code thumbnails: fetched from a printer's Moonraker by the server, once per file and version, kept in storage.

The browser never talks to a printer: GET /api/printers/{slug}/thumbnail?file=
answers from the copy here (storages["printer_thumbnails"]: a local folder in the
embedded mode, the S3 bucket in the scaled one) and only the first request for a
file (or one after the file changed) asks Moonraker: its metadata names the
thumbnails it extracted from the G-code, the best one (the widest up to
PREFERRED_WIDTH) is downloaded, checked with Pillow (a PNG or JPEG, within
PRINTER_THUMBNAIL_MAX_BYTES and MAX_PIXELS) and stored with its row.

One PrinterThumbnail row per (printer, file), unique: concurrent first requests
all meet that row, one of them claims it (a conditional UPDATE on the claim) and
fetches, the others wait for it and serve what it stored. A stored row always has
its file; the claimant writes to the key it noted in the row first, so a file left
by a claimant that died is removed by the next one, and a printer's rows take
their files with them when the printer is deleted.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import posixpath
import secrets
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from PIL import Image

from control.models import PrinterThumbnail, ThumbnailState
from control.moonraker_http import MoonrakerError, MoonrakerHTTP, MoonrakerRefused
from control.validation import gcode_path_problem
from status.models import ConnectionState, Printer, PrinterConnection, SourceKind

logger = logging.getLogger(__name__)

PREFERRED_WIDTH = 400  # the card and the printer page show it at most this wide
MAX_PIXELS = 2048 * 2048
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
# A claim older than this is one whose request died: the next request takes it over.
CLAIM_SECONDS = 60
WAIT_POLL_SECONDS = 0.05


class ThumbnailError(Exception):
    """The answer when there is no image to send: status code, detail, field errors."""

    def __init__(self, status_code: int, detail: str, fields: dict | None = None) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.fields = fields or {}


@dataclass(frozen=True)
class Thumbnail:
    content: bytes
    content_type: str
    etag: str  # quoted, for the ETag header
    file_modified: float | None


def thumbnail_storage():
    return storages["printer_thumbnails"]


def path_digest(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()


def file_problem(path: str | None) -> str | None:
    """What is wrong with ``file`` as a G-code path in the gcodes folder, or None."""
    if path is None or path == "":
        return "Name the G-code file, relative to the gcodes folder, e.g. ?file=cube.gcode."
    if "\x00" in path:
        return "The path contains a NUL character."
    return gcode_path_problem(path)


def modified_problem(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        return f"{raw[:40]!r} is not a number (the file's modified time in Unix seconds, as Moonraker gives it)."
    if not math.isfinite(value) or value < 0:
        return f"{raw[:40]!r} is not a modified time (a finite number of Unix seconds)."
    return None


def printer_thumbnail(*, printer: Printer, path: str, modified: float | None = None) -> Thumbnail:
    """The thumbnail of ``path`` on ``printer``, from the copy here or fetched now; else ThumbnailError.

    ``modified``: the file's modified time, if the caller knows it (then a stored copy of that
    version is served without asking Moonraker whatever its age; another version is fetched).
    """
    if printer.source_kind == SourceKind.DEMO:
        raise ThumbnailError(404, f"Printer {printer.slug!r} is a demo printer: it has no G-code files or thumbnails.")
    digest = path_digest(path)
    deadline = time.monotonic() + float(settings.PRINTER_REQUEST_TIMEOUT_SECONDS) * 2 + 5
    while True:
        row = PrinterThumbnail.objects.filter(printer=printer, path_digest=digest).first()
        if row is None:
            token = secrets.token_hex(16)
            try:
                with transaction.atomic():
                    row = PrinterThumbnail.objects.create(
                        printer=printer,
                        path_digest=digest,
                        path=path,
                        state=ThumbnailState.PENDING,
                        claim=token,
                        claimed_at=timezone.now(),
                        pending_key=_new_key(printer, token),
                    )
            except IntegrityError:
                if not Printer.objects.filter(pk=printer.pk).exists():
                    raise ThumbnailError(
                        404, f"No printer with slug {printer.slug!r} any more (it was deleted)."
                    ) from None
                continue  # another request made it first: wait for it (next round)
            return _fetch(printer, row, token, created=True)
        cached = _from_cache(row, modified)
        if cached is not None:
            return cached
        now = timezone.now()
        claimed = (
            bool(row.claim) and row.claimed_at is not None and row.claimed_at > now - timedelta(seconds=CLAIM_SECONDS)
        )
        if claimed:
            if row.state == ThumbnailState.STORED and modified is None:
                try:
                    return _stored(row)  # being checked again by another request: this copy meanwhile
                except FileNotFoundError:
                    pass  # gone from the store: wait for the one fetching it
            if time.monotonic() > deadline:
                raise ThumbnailError(
                    503, f"The thumbnail of {path!r} on printer {printer.slug!r} is still being fetched."
                )
            time.sleep(WAIT_POLL_SECONDS)
            continue
        token = secrets.token_hex(16)
        taken = PrinterThumbnail.objects.filter(pk=row.pk, claim=row.claim, claimed_at=row.claimed_at).update(
            claim=token, claimed_at=now, pending_key=_new_key(printer, token)
        )
        if not taken:
            continue  # another request took it: wait for that one
        if row.pending_key and row.pending_key != row.storage_key:
            _delete_files(row.pending_key)  # left by a claimant that died before it stored its row
        row.claim, row.claimed_at, row.pending_key = token, now, _new_key(printer, token)
        return _fetch(printer, row, token, created=False)


def _new_key(printer: Printer, token: str) -> str:
    return f"{printer.pk}/{token}"


def _from_cache(row: PrinterThumbnail, modified: float | None) -> Thumbnail | None:
    """The stored answer (a Thumbnail, or a ThumbnailError raised for "none"), or None when Moonraker must be asked."""
    now = timezone.now()
    same_version = modified is not None and row.file_modified is not None and abs(modified - row.file_modified) < 1e-6
    if row.state == ThumbnailState.STORED:
        fresh = row.checked_at is not None and row.checked_at > now - timedelta(
            seconds=settings.PRINTER_THUMBNAIL_RECHECK_SECONDS
        )
        if same_version or (modified is None and fresh):
            try:
                return _stored(row)
            except FileNotFoundError:
                return None  # its file went missing: fetch it again
        return None
    if row.state == ThumbnailState.NONE:
        if modified is not None and not same_version:
            return None
        if row.checked_at is not None and row.checked_at > now - timedelta(
            seconds=settings.PRINTER_THUMBNAIL_MISSING_SECONDS
        ):
            raise _no_thumbnail(row)
    return None


def _no_thumbnail(row: PrinterThumbnail) -> ThumbnailError:
    return ThumbnailError(404, f"{row.path!r} on printer {row.printer.slug!r} has no thumbnail.")


def _etag(row: PrinterThumbnail) -> str:
    modified = "" if row.file_modified is None else f"-{row.file_modified!r}"
    return f'"{row.sha256[:32]}{modified}"'


def _stored(row: PrinterThumbnail) -> Thumbnail:
    try:
        with thumbnail_storage().open(row.storage_key, "rb") as handle:
            content = handle.read(settings.PRINTER_THUMBNAIL_MAX_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        # S3 raises its own errors for a missing key; an outage is a 503 either way.
        if _missing(exc):
            raise FileNotFoundError(row.storage_key) from None
        raise ThumbnailError(503, f"The thumbnail store is unavailable: {type(exc).__name__}.") from None
    except Exception as exc:  # botocore's errors are not OSErrors
        if _missing(exc):
            raise FileNotFoundError(row.storage_key) from None
        logger.warning("Could not read the thumbnail %s: %s", row.storage_key, exc)
        raise ThumbnailError(503, f"The thumbnail store is unavailable: {type(exc).__name__}.") from None
    return Thumbnail(content=content, content_type=row.content_type, etag=_etag(row), file_modified=row.file_modified)


def _missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in ("NoSuchKey", "404", "NotFound")


# -- asking Moonraker ---------------------------------------------------------------------
def _offline(printer: Printer) -> str | None:
    """Why the printer is known to be out of reach now (its bridge connection says so), or None."""
    if not printer.enabled:
        return f"Printer {printer.slug!r} is disabled [{ConnectionState.DISABLED}]."
    if not printer.moonraker_url:
        return f"Printer {printer.slug!r} has no moonraker_url."
    connection = PrinterConnection.objects.filter(printer=printer).first()
    if connection is not None and connection.state in (ConnectionState.UNREACHABLE, ConnectionState.AUTH_FAILED):
        message = f": {connection.message}" if connection.message else ""
        return f"Printer {printer.slug!r} is offline [{connection.state}]{message}."
    return None


def _client(printer: Printer) -> MoonrakerHTTP:
    return MoonrakerHTTP(
        base_url=printer.moonraker_url,
        api_key=printer.api_key,
        timeout=float(settings.PRINTER_REQUEST_TIMEOUT_SECONDS),
        gcode_timeout=float(settings.PRINTER_REQUEST_TIMEOUT_SECONDS),
    )


def _fetch(printer: Printer, row: PrinterThumbnail, token: str, *, created: bool) -> Thumbnail:
    """Ask Moonraker for ``row``'s file (``row`` is claimed by ``token``) and store what it has."""
    try:
        problem = _offline(printer)
        if problem:
            raise ThumbnailError(503, problem)
        with _client(printer) as client:
            try:
                metadata = client.file_metadata(row.path)
            except MoonrakerRefused as exc:
                raise ThumbnailError(503, f"Printer {printer.slug!r}: {exc}") from None
            if metadata is None:
                _forget(row, token)
                raise ThumbnailError(
                    404, f"Printer {printer.slug!r} has no file {row.path!r} (or Moonraker has not read it yet)."
                )
            file_modified = _number(metadata.get("modified"))
            if row.state == ThumbnailState.STORED and file_modified is not None and file_modified == row.file_modified:
                try:
                    stored = _stored(row)
                except FileNotFoundError:
                    stored = None
                if stored is not None:
                    _release(row, token, checked=True)
                    return stored
            choice = best_thumbnail(metadata.get("thumbnails"), folder=posixpath.dirname(row.path))
            if choice is None:
                _finish_none(row, token, file_modified)
                raise _no_thumbnail(row)
            try:
                content = client.file_download(choice, max_bytes=settings.PRINTER_THUMBNAIL_MAX_BYTES)
            except MoonrakerRefused as exc:
                if exc.http_status == 404:  # listed but gone: as good as none
                    _finish_none(row, token, file_modified)
                    raise _no_thumbnail(row) from None
                raise ThumbnailError(503, f"Printer {printer.slug!r}: {exc}") from None
    except MoonrakerError as exc:
        _give_up(row, token, created=created)
        if row.state == ThumbnailState.STORED:
            try:
                return _stored(row)  # the copy here, while the printer cannot say whether it changed
            except (FileNotFoundError, ThumbnailError):
                pass
        raise ThumbnailError(503, f"Printer {printer.slug!r} is unreachable: {exc}") from None
    except ThumbnailError as error:
        if error.status_code == 503:
            _give_up(row, token, created=created)
            if row.state == ThumbnailState.STORED:
                try:
                    return _stored(row)
                except (FileNotFoundError, ThumbnailError):
                    pass
        raise
    except BaseException:
        _give_up(row, token, created=created)
        raise

    checked = image_check(content)
    if checked is None:
        logger.warning("Printer %s: the thumbnail %s of %s is not a PNG or JPEG image", printer.slug, choice, row.path)
        _finish_none(row, token, file_modified)
        raise _no_thumbnail(row)
    content_type, width, height = checked
    return _store(row, token, content=content, content_type=content_type, size=(width, height), modified=file_modified)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def best_thumbnail(thumbnails, *, folder: str) -> str | None:
    """The path (in the gcodes folder) of the widest thumbnail up to PREFERRED_WIDTH, else the narrowest wider one."""
    if not isinstance(thumbnails, list):
        return None
    usable = []
    for item in thumbnails:
        if not isinstance(item, dict):
            continue
        width, relative = item.get("width"), item.get("relative_path")
        size = item.get("size")
        if not isinstance(width, int) or isinstance(width, bool) or width <= 0 or not isinstance(relative, str):
            continue
        if isinstance(size, int) and size > settings.PRINTER_THUMBNAIL_MAX_BYTES:
            continue
        if not relative.lower().endswith((".png", ".jpg", ".jpeg")):
            continue
        path = posixpath.normpath(posixpath.join(folder, relative))
        if path.startswith(("/", "../")) or path == ".." or "\x00" in path:
            continue  # not inside the gcodes folder
        usable.append((width, path))
    if not usable:
        return None
    small = [entry for entry in usable if entry[0] <= PREFERRED_WIDTH]
    return max(small)[1] if small else min(usable)[1]


def image_check(content: bytes) -> tuple[str, int, int] | None:
    """(content type, width, height) when ``content`` is a whole PNG or JPEG within MAX_PIXELS; else None."""
    if not content or len(content) > settings.PRINTER_THUMBNAIL_MAX_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
                width, height = image.size
                if kind not in IMAGE_FORMATS or width * height > MAX_PIXELS or width < 1 or height < 1:
                    return None
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (Exception, Image.DecompressionBombWarning):
        return None
    return IMAGE_FORMATS[kind], width, height


# -- writing the row (only the claimant, only while its claim holds) ------------------------
def _mine(row: PrinterThumbnail, token: str):
    return PrinterThumbnail.objects.filter(pk=row.pk, claim=token)


def _release(row: PrinterThumbnail, token: str, *, checked: bool) -> None:
    fields: dict[str, Any] = {"claim": "", "claimed_at": None, "pending_key": ""}
    if checked:
        fields["checked_at"] = timezone.now()
    _mine(row, token).update(**fields)


def _give_up(row: PrinterThumbnail, token: str, *, created: bool) -> None:
    """The fetch failed: a row made for it goes again, an older one keeps what it had."""
    if created or row.state == ThumbnailState.PENDING:
        _mine(row, token).filter(state=ThumbnailState.PENDING).delete()
    _release(row, token, checked=False)


def _forget(row: PrinterThumbnail, token: str) -> None:
    """The file is not on the printer (any more): the row goes, and its file with it (_delete_file_with_row)."""
    _mine(row, token).delete()


def _finish_none(row: PrinterThumbnail, token: str, modified: float | None) -> None:
    old_key = row.storage_key if row.state == ThumbnailState.STORED else ""
    with transaction.atomic():
        updated = _mine(row, token).update(
            state=ThumbnailState.NONE,
            file_modified=modified,
            storage_key="",
            content_type="",
            size=0,
            width=0,
            height=0,
            sha256="",
            checked_at=timezone.now(),
            claim="",
            claimed_at=None,
            pending_key="",
        )
        if updated and old_key:
            transaction.on_commit(lambda: _delete_files(old_key))


def _store(
    row: PrinterThumbnail, token: str, *, content: bytes, content_type: str, size: tuple[int, int], modified
) -> Thumbnail:
    storage = thumbnail_storage()
    key = _new_key(row.printer, token)
    try:
        saved = storage.save(key, ContentFile(content))
    except Exception as exc:
        logger.warning("Could not store the thumbnail %s: %s", key, exc)
        _give_up(row, token, created=False)
        raise ThumbnailError(503, f"The thumbnail store is unavailable: {type(exc).__name__}.") from None
    sha256 = hashlib.sha256(content).hexdigest()
    old_key = row.storage_key if row.state == ThumbnailState.STORED else ""
    with transaction.atomic():
        updated = _mine(row, token).update(
            state=ThumbnailState.STORED,
            file_modified=modified,
            storage_key=saved,
            content_type=content_type,
            size=len(content),
            width=size[0],
            height=size[1],
            sha256=sha256,
            checked_at=timezone.now(),
            claim="",
            claimed_at=None,
            pending_key="",
        )
        if updated and old_key and old_key != saved:
            transaction.on_commit(lambda: _delete_files(old_key))
    if not updated:
        # The row is gone (the printer was deleted meanwhile) or another request took the
        # claim over: no row holds this file, so it goes.
        _delete_files(saved)
    row.file_modified, row.sha256 = modified, sha256
    return Thumbnail(content=content, content_type=content_type, etag=_etag(row), file_modified=modified)


def _delete_files(*keys: str) -> None:
    storage = thumbnail_storage()
    for key in keys:
        if not key:
            continue
        try:
            storage.delete(key)
        except Exception as exc:  # a store that is down: the file stays, logged
            logger.warning("Could not delete the thumbnail file %s: %s", key, exc)


@receiver(post_delete, sender=PrinterThumbnail)
def _delete_file_with_row(sender, instance: PrinterThumbnail, **kwargs) -> None:
    """A deleted row (its printer deleted, or the file gone) takes its file with it, once the delete is committed."""
    keys = {instance.storage_key, instance.pending_key} - {""}
    if keys:
        transaction.on_commit(lambda: _delete_files(*keys))
