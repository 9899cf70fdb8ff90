"""Control calls to printers, each with its audit row: printer_action is the one way in.

Every call that passed the token check ends in exactly one printer_actions
row, whatever happened: done (ok), refused before it reached the printer
(rejected: unknown printer or action, a printer deleted meanwhile, bad
input, printer offline, the demo printer has no files), refused or failed
by the printer (failed), or not answered in time (timeout). A demo
printer's new simulation and its audit row are written in one transaction;
a Moonraker call happens outside any transaction (it may take a minute),
and its row is written when it returns (with the printer's slug only, if
the printer was deleted meanwhile).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db import transaction
from django.utils import timezone

from accounts import actors
from accounts.actors import Actor
from control.moonraker_http import (
    MoonrakerBadAnswer,
    MoonrakerError,
    MoonrakerHTTP,
    MoonrakerRefused,
    MoonrakerTimeout,
    MoonrakerUnreachable,
)
from klipperiwc_site import metrics
from klipperiwc_site.api import iso_utc
from status.models import ConnectionState, Printer, PrinterAction, PrinterConnection, SourceKind
from status.services import status_ingest
from status.sources.demo import DEMO_ACTIONS, DemoActionRefused, DemoSource

logger = logging.getLogger(__name__)

# The printer actions of POST /api/printers/{slug}/actions/{action}: the MoonrakerHTTP method of each.
ACTIONS = {
    "pause": "print_pause",
    "resume": "print_resume",
    "cancel": "print_cancel",
    "emergency-stop": "emergency_stop",
    "firmware-restart": "firmware_restart",
    "restart": "restart",
}
# The other calls, as the audit trail names them.
GCODE, PRINT, UPLOAD, FILES = "gcode", "print", "upload", "files"
CALLS = (*ACTIONS, GCODE, PRINT, UPLOAD, FILES)

OK, REJECTED, FAILED, TIMEOUT = "ok", "rejected", "failed", "timeout"
DETAIL_MAX_CHARS = 2000

# What each connection state means, for the 409 that names it.
CONNECTION_REASONS: dict[str, str] = {
    ConnectionState.CONNECTING: "the bridge is still connecting to its Moonraker",
    ConnectionState.UNREACHABLE: "its Moonraker is unreachable",
    ConnectionState.AUTH_FAILED: "its Moonraker refused the API key",
    ConnectionState.KLIPPY_NOT_READY: "klippy is not ready",
    ConnectionState.DISABLED: "it is disabled",
}


class ControlError(Exception):
    """A call that did not succeed: the HTTP answer (status code, detail, field errors) and the audit outcome."""

    def __init__(self, status_code: int, detail: str, *, outcome: str, fields: dict | None = None) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.outcome = outcome
        self.fields = fields or {}


@dataclass(frozen=True)
class ActionDone:
    status_code: int
    result: Any  # what the endpoint answers with
    detail: str = ""  # the audit row's words for it
    after: list[Callable[[], None]] = field(default_factory=list, compare=False)


def unknown_action(action: str) -> ControlError:
    return ControlError(404, f"Unknown action {action[:80]!r}; use one of: {', '.join(ACTIONS)}.", outcome=REJECTED)


def printer_action(
    *,
    printer: Printer | None,
    action: str,
    arguments: dict,
    client_address: str | None,
    actor: Actor = actors.TOKEN,
    printer_slug: str | None = None,
    upload: IO[bytes] | None = None,
    refusal: ControlError | None = None,
    now: datetime | None = None,
) -> ActionDone:
    """Do ``action`` (one of CALLS) on ``printer`` and record it; raise ControlError (after recording) if it failed.

    ``arguments``: the call's input as it is recorded ({"script"}, {"filename"},
    {"filename", "size", "print"}, {"page", "page_size"}); ``upload`` the file
    being uploaded (read from where it stands). ``refusal``: the caller already
    refused the call (bad input); it is recorded and raised. ``printer`` None:
    no printer has ``printer_slug`` (404).
    """
    slug = printer.slug if printer is not None else (printer_slug or "")
    now = now or timezone.now()
    if refusal is None and printer is None:
        refusal = ControlError(404, f"No printer with slug {slug!r}; GET /api/printers/ lists them.", outcome=REJECTED)
    if refusal is None and action not in CALLS:
        refusal = unknown_action(action)
    # A missing printer is refused above; the "printer is not None" below only say so to the type checker.
    if refusal is None and printer is not None and not printer.enabled:
        refusal = ControlError(409, f"Printer {slug!r} is disabled [{ConnectionState.DISABLED}].", outcome=REJECTED)

    if refusal is None and printer is not None and printer.source_kind == SourceKind.DEMO:
        with transaction.atomic():
            # One action at a time per printer: the next one sees this one's simulation. Read
            # again under the lock: a printer deleted since the caller read it is a 404, not a
            # write to a row that is gone.
            locked = _locked(printer)
            outcome = _gone(slug) if locked is None else _demo(locked, action=action, now=now)
            _record(
                printer=locked,
                slug=slug,
                action=action,
                arguments=arguments,
                client=client_address,
                actor=actor,
                done=outcome,
            )
        if isinstance(outcome, ActionDone) and locked is not None:  # done only on a printer still there
            printer.simulation = locked.simulation
    else:
        if refusal is not None:
            outcome = refusal
        elif printer is None or not Printer.objects.filter(pk=printer.pk).exists():
            outcome = _gone(slug)  # deleted since the caller read it: Moonraker is not asked
        else:
            outcome = _moonraker(printer, action=action, arguments=arguments, upload=upload)
        with transaction.atomic():
            # Moonraker may have acted on a printer deleted meanwhile (the call takes up to a
            # minute): its row then keeps the slug only, as rows of deleted printers do.
            still = _locked(printer) if printer is not None else None
            _record(
                printer=still,
                slug=slug,
                action=action,
                arguments=arguments,
                client=client_address,
                actor=actor,
                done=outcome,
            )
    if isinstance(outcome, ControlError):
        raise outcome
    for then in outcome.after:
        then()
    return outcome


def _locked(printer: Printer) -> Printer | None:
    """``printer`` as stored now, its row locked until the transaction ends; None once it is deleted.

    printer_delete takes the same lock: an audit row written under it is one the delete
    sees (and detaches), never one pointing at a printer that is gone.
    """
    return Printer.objects.select_for_update().filter(pk=printer.pk).first()


def _gone(slug: str) -> ControlError:
    detail = f"No printer with slug {slug!r} any more (it was deleted); GET /api/printers/ lists them."
    return ControlError(404, detail, outcome=REJECTED)


def _record(*, printer, slug, action, arguments, client, actor: Actor, done: ActionDone | ControlError) -> None:
    if isinstance(done, ControlError):
        outcome, status_code, detail = done.outcome, done.status_code, done.detail
    else:
        outcome, status_code, detail = OK, done.status_code, done.detail
    metrics.CONTROL_ACTIONS.labels(action=action if action in CALLS else "other", outcome=outcome).inc()
    PrinterAction.objects.create(
        printer=printer,
        printer_slug=slug[:64],
        action=action[:32],
        arguments=arguments,
        outcome=outcome,
        status_code=status_code,
        detail=detail[:DETAIL_MAX_CHARS],
        client_address=_ip_or_none(client),
        user_id=actor.user_id,
        credential=actor.credential,
    )


def _ip_or_none(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None  # a unix socket, or a proxy's odd header


# -- the demo printer ---------------------------------------------------------------------
def _demo(printer: Printer, *, action: str, now: datetime) -> ActionDone | ControlError:
    if action not in DEMO_ACTIONS:
        what = {GCODE: "runs no G-code", PRINT: "prints no files", UPLOAD: "takes no files", FILES: "has no files"}
        return ControlError(
            409,
            f"Printer {printer.slug!r} is a demo printer: it {what[action]} (it simulates pause, resume, cancel, "
            "emergency-stop, firmware-restart and restart only).",
            outcome=REJECTED,
        )
    try:
        simulation = DemoSource.for_printer(printer).control(action, now=now)
    except DemoActionRefused as exc:
        return ControlError(409, f"Printer {printer.slug!r}: {exc}.", outcome=FAILED)
    printer.simulation = simulation
    # updated_at tells the bridge to rebuild the printer's source. The row is locked (and
    # exists): the caller read it under select_for_update in this transaction.
    printer.save(update_fields=["simulation", "updated_at"])
    result = {"printer": printer.slug, "action": action, "result": "ok"}
    return ActionDone(200, result, "ok", after=[lambda: _demo_status_now(printer, now)])


def _demo_status_now(printer: Printer, now: datetime) -> None:
    """Show the change at once, instead of at the bridge's next sample."""
    try:
        status_ingest(printer=printer, status=DemoSource.for_printer(printer).current_status(now=now))
    except Exception:
        # The action is done and recorded; the bridge's next sample shows it.
        logger.exception("Could not publish the demo printer %s's status after a control action", printer.slug)


# -- printers of kind moonraker ---------------------------------------------------------------
def _connection_problem(printer: Printer) -> str | None:
    connection = PrinterConnection.objects.filter(printer=printer).first()
    state = connection.state if connection is not None else ConnectionState.CONNECTING
    if state == ConnectionState.CONNECTED:
        return None
    reason = CONNECTION_REASONS.get(state, state)
    message = connection.message if connection is not None and connection.message else ""
    return f"Printer {printer.slug!r} is offline: {reason} [{state}]{': ' + message if message else ''}."


def _client(printer: Printer) -> MoonrakerHTTP:
    return MoonrakerHTTP(
        base_url=printer.moonraker_url,
        api_key=printer.api_key,
        timeout=float(settings.PRINTER_REQUEST_TIMEOUT_SECONDS),
        gcode_timeout=float(settings.PRINTER_GCODE_TIMEOUT_SECONDS),
    )


def _moonraker(printer: Printer, *, action: str, arguments: dict, upload) -> ActionDone | ControlError:
    problem = _connection_problem(printer)
    if problem:
        return ControlError(409, problem, outcome=REJECTED)
    if not printer.moonraker_url:
        return ControlError(409, f"Printer {printer.slug!r} has no moonraker_url.", outcome=REJECTED)
    try:
        with _client(printer) as client:
            return _call(client, printer, action=action, arguments=arguments, upload=upload)
    except ControlError as error:
        return error
    except MoonrakerTimeout as exc:
        detail = str(exc)
        if action == GCODE:
            detail += " (PRINTER_GCODE_TIMEOUT_SECONDS); the G-code may still be running on the printer."
        else:
            detail += " (PRINTER_REQUEST_TIMEOUT_SECONDS)."
        return ControlError(504, detail, outcome=TIMEOUT)
    except MoonrakerUnreachable as exc:
        return ControlError(409, f"Printer {printer.slug!r} is offline: {exc}", outcome=FAILED)
    except MoonrakerRefused as exc:
        return ControlError(409, f"Moonraker refused {action} on {printer.slug!r}: {exc}", outcome=FAILED)
    except MoonrakerBadAnswer as exc:
        return ControlError(502, str(exc), outcome=FAILED)
    except MoonrakerError as exc:  # a kind added later: still no 500
        return ControlError(502, str(exc), outcome=FAILED)


def _said(result: Any) -> str:
    return result if isinstance(result, str) else "ok"


def _call(client: MoonrakerHTTP, printer: Printer, *, action: str, arguments: dict, upload) -> ActionDone:
    if action in ACTIONS:
        result = getattr(client, ACTIONS[action])()
        return ActionDone(200, {"printer": printer.slug, "action": action, "result": _said(result)}, _said(result))
    if action == GCODE:
        result = client.gcode_script(arguments["script"])
        return ActionDone(200, {"printer": printer.slug, "action": action, "result": _said(result)}, _said(result))
    if action == PRINT:
        result = client.print_start(arguments["filename"])
        return ActionDone(200, {"printer": printer.slug, "action": action, "result": _said(result)}, _said(result))
    if action == UPLOAD:
        return _upload(client, printer, arguments=arguments, upload=upload)
    return _files(client, printer, page=arguments["page"], page_size=arguments["page_size"])


def _upload(client: MoonrakerHTTP, printer: Printer, *, arguments: dict, upload) -> ActionDone:
    answer = client.file_upload(filename=arguments["filename"], file=upload, start_print=arguments["print"])
    item = answer.get("item")
    if not isinstance(item, dict):
        item = {}
    name = item.get("path") or item.get("filename") or arguments["filename"]
    result = {
        "printer": printer.slug,
        "name": name,
        "size": item.get("size", arguments["size"]),
        "modified": _when(item.get("modified")),
        "print_started": bool(answer.get("print_started", False)),
    }
    started = " and started printing it" if result["print_started"] else ""
    return ActionDone(201, result, f"Uploaded {name} ({result['size']} bytes){started}.")


def _when(unix_seconds) -> str | None:
    if isinstance(unix_seconds, int | float) and not isinstance(unix_seconds, bool):
        try:
            return iso_utc(datetime.fromtimestamp(unix_seconds, tz=UTC))
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _files(client: MoonrakerHTTP, printer: Printer, *, page: int | str, page_size: int) -> ActionDone:
    """One page (a number from 1, or "last") of the files, newest first, with the slicer metadata of its files."""
    entries = [
        (name, entry)
        for entry in client.files_list()
        if isinstance(name := entry.get("path") or entry.get("filename"), str)
    ]
    entries.sort(key=lambda named: _number(named[1].get("modified")) or 0.0, reverse=True)
    paginator = Paginator(entries, page_size)
    try:
        chosen = paginator.page(paginator.num_pages if page == "last" else page)
    except InvalidPage:
        raise ControlError(
            404, f"page={page!r} does not exist; pages run from 1 to {paginator.num_pages}.", outcome=REJECTED
        ) from None
    files = []
    # Metadata for the page's files only: one request each.
    for name, entry in chosen.object_list:
        metadata = client.file_metadata(name) or {}
        size = entry.get("size")
        files.append(
            {
                "name": name,
                "size": size if isinstance(size, int) and not isinstance(size, bool) else 0,
                "modified": _when(entry.get("modified")),
                "estimated_time": _number(metadata.get("estimated_time")),
            }
        )
    result = {"count": paginator.count, "page": chosen.number, "num_pages": paginator.num_pages, "files": files}
    return ActionDone(200, result, f"{paginator.count} files; page {chosen.number} of {paginator.num_pages}.")
