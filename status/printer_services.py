"""Writes of printers and their print jobs: the API, the admin, the bridge and the cleanup call these.

A printer's api_key is write-only: no function here logs it or puts it in an error.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from klipperiwc_site import metrics
from status.models import Printer, PrintJob, PrintJobStatus, SourceKind
from status.printer_validation import printer_problems, tags_clean

logger = logging.getLogger(__name__)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""printer_update(field=UNSET): leave the field as it is."""


class PrinterError(Exception):
    """A refused printer write: errors by field, for a 400 (invalid) or a 409 (conflict)."""

    status_code = 400

    def __init__(self, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class PrinterInvalid(PrinterError):
    pass


class PrinterGone(PrinterError):
    """The printer was deleted while a change to it was on its way (a 404)."""

    status_code = 404

    def __init__(self, slug: str) -> None:
        super().__init__(f"No printer with slug {slug!r} any more: it was deleted meanwhile.", {})


class PrinterSlugTaken(PrinterError):
    status_code = 409

    def __init__(self, slug: str) -> None:
        message = f"A printer with slug {slug!r} already exists."
        super().__init__(message, {"slug": [message]})


_EDITABLE = ("slug", "name", "source_kind", "moonraker_url", "api_key", "tags", "enabled", "source_config")


def _check(printer: Printer) -> None:
    """Raise PrinterInvalid unless ``printer`` (not yet saved) may be stored."""
    errors: dict[str, list[str]] = {}
    try:
        # The model's own rules: slug format, lengths, choices, blank. Uniqueness is
        # the database's to decide (a race between two creates), see _save.
        printer.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        errors.update({name: list(messages) for name, messages in exc.message_dict.items()})
    for name, problem in printer_problems(
        source_kind=printer.source_kind,
        moonraker_url=printer.moonraker_url,
        api_key=printer.api_key,
        source_config=printer.source_config,
        tags=printer.tags,
    ).items():
        # One message per field: the model's check of a field (its choices, its length) may
        # already have said what is wrong with it.
        errors.setdefault(name, [f"{name} {problem}."])
    if errors:
        raise PrinterInvalid(f"Invalid printer: {', '.join(sorted(errors))}.", errors)


def _slug_taken(slug: str, *, other_than: int | None) -> bool:
    taken = Printer.objects.filter(slug=slug)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    return taken.exists()


def _save(printer: Printer, *, slug_changed: bool, fields: list[str] | None = None) -> None:
    """INSERT a new printer (``fields`` None), or UPDATE only ``fields`` (and updated_at) of a stored one.

    An update never becomes an INSERT: a plain save() of a printer deleted meanwhile would
    re-create it (PrinterGone instead), and it would write back every column as this request
    read it, over what others wrote since (the demo's simulation from a control action).
    """
    # The check first, for a clear answer; the unique index decides when two requests race.
    if slug_changed and _slug_taken(printer.slug, other_than=printer.pk):
        raise PrinterSlugTaken(printer.slug)
    try:
        with transaction.atomic():
            if fields is None:
                printer.save(force_insert=True)
            else:
                printer.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        if Printer.objects.filter(slug=printer.slug).exclude(pk=printer.pk).exists():
            raise PrinterSlugTaken(printer.slug) from None
        raise
    except DatabaseError:
        # save(update_fields=...) matched no row; anything else (the database down) goes on up.
        if fields is not None and not Printer.objects.filter(pk=printer.pk).exists():
            raise PrinterGone(printer.slug) from None
        raise


def printer_create(
    *,
    slug: str,
    name: str,
    source_kind: str = SourceKind.MOONRAKER,
    moonraker_url: str = "",
    api_key: str = "",
    tags: list[str] | None = None,
    enabled: bool = True,
    source_config: dict | None = None,
) -> Printer:
    """Add a printer; PrinterInvalid (400) or PrinterSlugTaken (409) when it cannot be."""
    printer = Printer(
        slug=slug,
        name=name,
        source_kind=source_kind,
        moonraker_url=moonraker_url,
        api_key=api_key,
        tags=list(tags or []),
        enabled=enabled,
        source_config={} if source_config is None else source_config,
    )
    _check(printer)
    printer.tags = tags_clean(printer.tags)
    _save(printer, slug_changed=True)
    logger.info("Printer %s added (kind %s, enabled %s).", printer.slug, printer.source_kind, printer.enabled)
    return printer


def printer_update(
    *,
    printer: Printer,
    slug: str = UNSET,
    name: str = UNSET,
    source_kind: str = UNSET,
    moonraker_url: str = UNSET,
    api_key: str = UNSET,
    tags: list[str] = UNSET,
    enabled: bool = UNSET,
    source_config: dict = UNSET,
) -> Printer:
    """Change the given fields of ``printer`` (UNSET: leave as is; api_key="" removes the key).

    The printer is checked as a whole after the change (a demo printer turned moonraker needs
    a moonraker_url). Only the fields that change are written (with updated_at); a printer
    deleted meanwhile is PrinterGone (404), never stored again. On a refusal ``printer`` is
    left as it was.
    """
    given: dict[str, Any] = dict(
        slug=slug,
        name=name,
        source_kind=source_kind,
        moonraker_url=moonraker_url,
        api_key=api_key,
        tags=tags,
        enabled=enabled,
        source_config=source_config,
    )
    changes = {name: value for name, value in given.items() if value is not UNSET}
    before = {name: getattr(printer, name) for name in _EDITABLE}
    for name, value in changes.items():
        setattr(printer, name, list(value) if name == "tags" else value)
    try:
        _check(printer)
        printer.tags = tags_clean(printer.tags)
        changed = sorted(name for name in changes if before[name] != getattr(printer, name))
        if not changed:
            return printer  # nothing to write: updated_at (which the bridge watches) stays
        _save(printer, slug_changed=printer.slug != before["slug"], fields=changed)
    except Exception:
        for name, value in before.items():
            setattr(printer, name, value)
        raise
    logger.info("Printer %s changed: %s.", printer.slug, ", ".join(changed))  # names only, never values
    return printer


def printer_delete(*, printer: Printer) -> None:
    """Delete ``printer`` with its history, connection, lease and jobs (the audit trail keeps its slug)."""
    slug = printer.slug
    with transaction.atomic():
        # The row lock first: a control call recording its audit row holds it too, so either
        # that row exists before the delete looks for rows to detach (printer set to NULL),
        # or the call sees the printer gone and records the slug only. Without it the delete
        # missed the new row and its commit failed on the foreign key.
        if Printer.objects.select_for_update().filter(pk=printer.pk).exists():
            printer.delete()
    logger.info("Printer %s deleted.", slug)


# --- print jobs --------------------------------------------------------------

FINAL_STATUSES = frozenset(PrintJobStatus.values) - {PrintJobStatus.IN_PROGRESS}
# Slicer metadata kept in columns of their own; the rest goes to PrintJob.metadata.
_METADATA_COLUMNS = ("estimated_time", "filament_total", "layer_height", "object_height")
METADATA_MAX_BYTES = 64 * 1024


def _max_length(name: str) -> int:
    length = getattr(PrintJob._meta.get_field(name), "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"PrintJob.{name} has no max_length; print_jobs_record cuts it to one.")
    return length


_JOB_ID_MAX = _max_length("job_id")
_FILENAME_MAX = _max_length("filename")
# Rows per INSERT: well under SQLite's bound-parameter limit (15 columns each).
UPSERT_BATCH = 200


class _BadJob(ValueError):
    pass


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        value = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return value if math.isfinite(value) else None


def _duration(value) -> float:
    number = _number(value)
    return number if number is not None and number >= 0 else 0.0


def _moment(value) -> datetime | None:
    number = _number(value)
    if number is None or number < 0:
        return None
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value, name: str, limit: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and name == "job_id":
        value = str(value)
    if not isinstance(value, str) or not value:
        raise _BadJob(f"{name} is {value!r:.80}, not a non-empty string")
    if "\x00" in value:
        raise _BadJob(f"{name} holds a NUL character")
    if len(value) > limit:
        raise _BadJob(f"{name} is longer than {limit} characters")
    return value


def _metadata(raw, *, printer: Printer, job_id: str) -> tuple[dict, dict]:
    """(the four slicer columns, the rest) of a job's metadata."""
    if not isinstance(raw, dict):
        return dict.fromkeys(_METADATA_COLUMNS), {}
    columns = {name: _number(raw.get(name)) for name in _METADATA_COLUMNS}
    rest = {key: value for key, value in raw.items() if key not in _METADATA_COLUMNS}
    try:
        # allow_nan=False: NaN/Infinity are not JSON (PostgreSQL's jsonb refuses them);
        # a NUL in a string is refused by PostgreSQL too.
        text = json.dumps(rest, allow_nan=False)
        if "\\u0000" in text or len(text.encode()) > METADATA_MAX_BYTES:
            raise ValueError("NUL characters or too large")
    except (TypeError, ValueError, RecursionError) as exc:
        logger.warning("Print job %s of printer %s: metadata not kept (%s).", job_id, printer.slug, str(exc)[:80])
        rest = {}
    return columns, rest


def _job_row(printer: Printer, job, now: datetime) -> PrintJob:
    if not isinstance(job, dict):
        raise _BadJob(f"not an object but {type(job).__name__}")
    job_id = _text(job.get("job_id"), "job_id", _JOB_ID_MAX)
    status = job.get("status")
    if status not in PrintJobStatus.values:
        raise _BadJob(f"job {job_id!r}: status {status!r:.40} is not one of {', '.join(PrintJobStatus.values)}")
    filename = _text(job.get("filename"), "filename", _FILENAME_MAX)
    started_at = _moment(job.get("start_time"))
    if started_at is None:
        raise _BadJob(f"job {job_id!r}: start_time {job.get('start_time')!r:.40} is not a Unix time")
    ended_at = None if status == PrintJobStatus.IN_PROGRESS else _moment(job.get("end_time"))
    columns, rest = _metadata(job.get("metadata"), printer=printer, job_id=job_id)
    return PrintJob(
        printer=printer,
        job_id=job_id,
        filename=filename,
        status=status,
        started_at=started_at,
        ended_at=ended_at,
        print_duration=_duration(job.get("print_duration")),
        total_duration=_duration(job.get("total_duration")),
        filament_used=_duration(job.get("filament_used")),
        metadata=rest,
        updated_at=now,
        **columns,
    )


_ROW_FIELDS = (
    "printer",
    "job_id",
    "filename",
    "status",
    "started_at",
    "ended_at",
    "print_duration",
    "total_duration",
    "filament_used",
    "estimated_time",
    "filament_total",
    "layer_height",
    "object_height",
    "metadata",
    "updated_at",
)
_COMPARED = tuple(name for name in _ROW_FIELDS if name not in ("printer", "job_id", "updated_at"))


def _upsert(rows: list[PrintJob]) -> int:
    """INSERT ... ON CONFLICT (printer, job_id) DO UPDATE, unless that would turn a final job back.

    One statement per batch, the same on SQLite and PostgreSQL: two calls racing on the
    same job both end on one row, and an in_progress report that arrives after (or
    commits after) the final one does not overwrite it. bulk_create(update_conflicts=True)
    cannot say "unless": it has no WHERE for the update.
    """
    # Concrete fields, each with a column (get_field's type also allows relations and generic keys).
    fields = [field for field in PrintJob._meta.concrete_fields if field.name in _ROW_FIELDS]
    quote = connection.ops.quote_name
    table = quote(PrintJob._meta.db_table)
    column = {field.name: quote(field.get_attname_column()[1] or field.attname) for field in fields}
    columns = ", ".join(column[f.name] for f in fields)
    updates = ", ".join(
        f"{column[f.name]} = excluded.{column[f.name]}" for f in fields if f.name not in ("printer", "job_id")
    )
    status = quote("status")
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_BATCH):
            batch = rows[start : start + UPSERT_BATCH]
            values = ", ".join("(" + ", ".join(["%s"] * len(fields)) + ")" for _ in batch)
            params = [f.get_db_prep_save(getattr(row, f.attname), connection) for row in batch for f in fields]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 (names quoted, values bound)
                f"ON CONFLICT ({quote('printer_id')}, {quote('job_id')}) DO UPDATE SET {updates} "
                f"WHERE {table}.{status} = %s OR excluded.{status} <> %s",
                [*params, PrintJobStatus.IN_PROGRESS, PrintJobStatus.IN_PROGRESS],
            )
            written += max(cursor.rowcount, 0)
    return written


def print_jobs_record(*, printer: Printer, jobs: list[dict]) -> int:
    """Keep Moonraker history jobs (server.history.list / notify_history_changed) in print_jobs, once each.

    Idempotent: a job already stored with the same values is not written again, and a
    final status (completed, cancelled, error, ...) is never replaced by in_progress.
    Entries that are not a usable job are skipped with a log line; this never raises
    for bad input. Returns how many rows were inserted or changed.
    """
    now = timezone.now()
    if not isinstance(jobs, list | tuple):
        logger.warning("Print jobs of printer %s: expected a list, got %s; nothing kept.", printer.slug, type(jobs))
        return 0
    rows: dict[str, PrintJob] = {}
    for job in jobs:
        try:
            row = _job_row(printer, job, now)
        except _BadJob as exc:
            logger.warning("Print job of printer %s skipped: %s.", printer.slug, exc)
            continue
        seen = rows.get(row.job_id)
        # One row per job per statement (PostgreSQL refuses to update a row twice in one
        # INSERT ... ON CONFLICT); a final report wins over an in_progress one, else the later one.
        if seen is None or not (seen.status in FINAL_STATUSES and row.status == PrintJobStatus.IN_PROGRESS):
            rows[row.job_id] = row
    if not rows:
        return 0
    with transaction.atomic():
        stored = {
            job.job_id: job
            for job in PrintJob.objects.filter(printer=printer, job_id__in=list(rows)).only(*_ROW_FIELDS)
        }
        changed = []
        for job_id in sorted(rows):  # one lock order for every caller: no deadlock between two
            row, old = rows[job_id], stored.get(job_id)
            if old is not None:
                if old.status in FINAL_STATUSES and row.status == PrintJobStatus.IN_PROGRESS:
                    continue
                if all(getattr(old, name) == getattr(row, name) for name in _COMPARED):
                    continue
            changed.append(row)
        return _upsert(changed) if changed else 0


def print_jobs_prune(
    *,
    older_than_days: int | None = None,
    now: datetime | None = None,
    batch_size: int | None = None,
    dry_run: bool = False,
) -> int:
    """Delete jobs that ended more than PRINT_JOB_RETENTION_DAYS (or ``older_than_days``) ago.

    0 days keeps every job. A job still in progress (no end time) is kept. Returns the
    rows deleted (or, with ``dry_run``, the rows that would be).
    """
    days = settings.PRINT_JOB_RETENTION_DAYS if older_than_days is None else older_than_days
    if days <= 0:
        return 0
    batch_size = batch_size or settings.STATUS_HISTORY_PRUNE_BATCH_SIZE
    try:
        cutoff = (now or timezone.now()) - timedelta(days=days)
    except OverflowError:  # more days than lie between now and the year 1: nothing is that old
        return 0
    old = PrintJob.objects.filter(ended_at__lt=cutoff)
    if dry_run:
        return old.count()
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("ended_at").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            removed += PrintJob.objects.filter(pk__in=ids).delete()[0]
    if removed:
        logger.info("Pruned %s print jobs that ended before %s.", removed, cutoff.isoformat())
    metrics.prune_counted(removed={"print_jobs": removed}, run=False)
    return removed
