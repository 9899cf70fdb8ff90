"""Prometheus metrics: the metric families, the per-printer collector, and GET /metrics.

Every process of a deployment (the daphne processes, the bridge, the Celery
worker and beat) counts into files in one folder, PROMETHEUS_MULTIPROC_DIR
(prometheus-client's multiprocess mode; settings.py sets a default,
var/metrics, before any metric exists, because the library picks its value
class when it is imported). A scrape of any web process sums them all, so
requests answered by another daphne process, broadcasts the bridge sent and
prunes the worker ran all show up in one answer.

Per-printer values (state, job progress, temperatures, the bridge's
connection) are not counted anywhere: ``PrinterCollector`` reads each
printer's latest status and stored connection at scrape time, as the API
would, so they are right whichever process produced them and need no
multiprocess gauges (which cannot say which process holds the truth).

Labels stay bounded: the URL pattern (``api/printers/<slug:slug>/actions/...``),
never the raw path; the HTTP method from a fixed list; the status code; a
printer's slug (one per configured printer).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import View
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

logger = logging.getLogger(__name__)

MULTIPROCESS = bool(getattr(values.ValueClass, "_multiprocess", False))
if not MULTIPROCESS:
    # prometheus_client was imported before settings.py set PROMETHEUS_MULTIPROC_DIR: this
    # process's /metrics then shows its own counts only.
    logger.warning("Prometheus multiprocess mode is off: /metrics shows this process's counts only")

# Files are named after the process: "<host>-<pid>", not the library's bare pid, so that containers
# (each with pids of its own) may share one folder without two processes writing one file.
HOST = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname()) or "host"


def process_identifier(pid: int | None = None) -> str:
    return f"{HOST}-{os.getpid() if pid is None else pid}"


if MULTIPROCESS:
    # The library's documented hook (MultiProcessValue's process_identifier); read by every
    # metric created after this line, and checked again after a fork (Celery's pool).
    values.ValueClass = values.MultiProcessValue(process_identifier=process_identifier)


def _live_gauge_pids(directory: str) -> set[int]:
    """Pids of this host's processes that have live gauges (open WebSocket connections) in the folder."""
    pids = set()
    for path in Path(directory).glob(f"gauge_live*_{HOST}-*.db"):
        with contextlib.suppress(ValueError):
            pids.add(int(path.stem.rsplit("-", 1)[1]))
    return pids


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def forget_dead_processes(directory: str | None = None) -> list[int]:
    """Drop the live gauges (open WebSocket connections) of this host's processes that are gone; their pids.

    The library's ``mark_process_dead`` for every pid whose files remain but whose process
    does not run (a daphne killed with -9 never says goodbye). Counters and histograms stay:
    their totals must not drop when a process ends. Only this host's files are judged:
    another container's pids mean nothing here.
    """
    directory = directory or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return []
    dead = [pid for pid in _live_gauge_pids(directory) if pid != os.getpid() and not _process_alive(pid)]
    for pid in dead:
        multiprocess.mark_process_dead(process_identifier(pid), directory)
    return dead


def process_dead(pid: int) -> None:
    """A process of this host ended (web.py calls it for a daphne child): drop its live gauges."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if MULTIPROCESS and directory:
        multiprocess.mark_process_dead(process_identifier(pid), directory)


if MULTIPROCESS:
    # A process that died earlier with this name may have left live gauges this one would inherit.
    process_dead(os.getpid())

# --- The families ------------------------------------------------------------------------------
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"

HTTP_REQUESTS = Counter(
    "klipperiwc_http_requests_total", "HTTP requests answered, by URL pattern, method and status.",
    ["route", "method", "status"],
)  # fmt: skip
HTTP_LATENCY = Histogram(
    "klipperiwc_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by URL pattern and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
WEBSOCKET_CONNECTIONS = Counter(
    "klipperiwc_websocket_connections_total",
    "/ws/status handshakes by outcome: accepted, token_refused, locked_out, unknown_printer.",
    ["outcome"],
)
WEBSOCKET_OPEN = Gauge(
    "klipperiwc_websocket_connections_open", "/ws/status connections open now (all web processes).",
    multiprocess_mode="livesum",
)  # fmt: skip
BROADCASTS = Counter(
    "klipperiwc_broadcasts_total", "Status group sends to /ws/status clients, by outcome (sent, failed).",
    ["outcome"],
)  # fmt: skip
BROADCAST_MESSAGES = Counter(
    "klipperiwc_broadcast_messages_total", "Status and connection messages in the group sends that went out."
)
SNAPSHOTS_STORED = Counter("klipperiwc_status_snapshots_stored_total", "Status snapshots written to status_history.")
PRUNE_RUNS = Counter("klipperiwc_history_prune_runs_total", "History clean-ups that ran (not dry runs).")
PRUNE_ROWS = Counter("klipperiwc_history_pruned_rows_total", "Rows the history clean-ups removed, by table.", ["table"])
UPLOADS = Counter(
    "klipperiwc_board_asset_uploads_total",
    "Board-asset uploads by outcome (accepted, refused) and reason (none, too_large, unsupported_type, "
    "invalid_file, duplicate, storage_unavailable, other).",
    ["outcome", "reason"],
)
CONTROL_ACTIONS = Counter(
    "klipperiwc_control_actions_total",
    "Printer control calls by action and outcome (ok, rejected, failed, timeout), as audited.",
    ["action", "outcome"],
)
BRIDGE_CONNECTION_CHANGES = Counter(
    "klipperiwc_bridge_connection_changes_total", "Connection states the bridge reported, by new state.", ["state"]
)
BRIDGE_RECONNECTS = Counter(
    "klipperiwc_bridge_reconnects_total",
    "Times the bridge got a printer connected again after it had been connected and lost it.",
    ["printer"],
)

# --- Instrumentation helpers (one call at the place the work is done) --------------------------


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """First in MIDDLEWARE: counts every answer (errors included) and times it, by URL pattern."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in HTTP_METHODS else "other"
        HTTP_REQUESTS.labels(route=route, method=method, status=str(response.status_code)).inc()
        HTTP_LATENCY.labels(route=route, method=method).observe(time.perf_counter() - started)
        return response


def websocket_opened() -> bool:
    """An accepted /ws/status connection; True (the consumer's "counted as open")."""
    WEBSOCKET_CONNECTIONS.labels(outcome="accepted").inc()
    WEBSOCKET_OPEN.inc()
    return True


def websocket_closed() -> bool:
    """An accepted connection ended; False (no longer counted as open)."""
    WEBSOCKET_OPEN.dec()
    return False


def broadcast_counted(*, sent: bool, messages: int, sends: int = 1) -> None:
    BROADCASTS.labels(outcome="sent" if sent else "failed").inc(sends)
    if sent:
        BROADCAST_MESSAGES.inc(messages)


def prune_counted(*, removed: dict[str, int], run: bool = True) -> None:
    if run:
        PRUNE_RUNS.inc()
    for table, rows in removed.items():
        PRUNE_ROWS.labels(table=table).inc(rows)


# The upload refusals by the service's exception class (and, for FileRejected, its status code).
_UPLOAD_REASONS: dict[str | tuple[str, int], str] = {
    "FileTooLarge": "too_large",
    "DuplicateAsset": "duplicate",
    "StorageUnavailable": "storage_unavailable",
    ("FileRejected", 415): "unsupported_type",
    ("FileRejected", 400): "invalid_file",
}

F = TypeVar("F", bound=Callable[..., Any])


def counts_uploads(func: F) -> F:
    """Decorates the upload service: each call counts as accepted, or refused with its reason."""

    @functools.wraps(func)
    def counted(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
        except Exception as exc:
            name = type(exc).__name__
            status_code = int(getattr(exc, "status_code", 0) or 0)
            reason = _UPLOAD_REASONS.get((name, status_code)) or _UPLOAD_REASONS.get(name)
            UPLOADS.labels(outcome="refused", reason=reason or "other").inc()
            raise
        UPLOADS.labels(outcome="accepted", reason="none").inc()
        return result

    return counted  # type: ignore[return-value]


def upload_refused(reason: str) -> None:
    """A refusal before the service saw the file (the body grew past the limit while it was read)."""
    UPLOADS.labels(outcome="refused", reason=reason).inc()


def bridge_connection_counted(*, printer: str, state: str, previous: str | None, was_connected: bool) -> bool:
    """Count a connection change; True once the printer has been connected (for the next call's ``was_connected``)."""
    BRIDGE_CONNECTION_CHANGES.labels(state=state).inc()
    if state == "connected" and previous != "connected" and was_connected:
        BRIDGE_RECONNECTS.labels(printer=printer).inc()
    return was_connected or state == "connected"


# --- Per-printer values, read at scrape time ---------------------------------------------------


class PrinterCollector(Collector):
    """Each printer's state, active job's progress, temperatures and bridge connection, read when scraped.

    What the API shows (status_current for a push printer, the newest collected status
    for a pull one, never a call to the printer), so a scrape costs a few reads. When the
    database or cache does not answer, ``klipperiwc_printer_metrics_up`` is 0 and the
    per-printer families are empty: a scrape never fails for it.
    """

    def collect(self) -> Iterator[Metric]:
        from status.models import ConnectionState, PrinterState

        up = GaugeMetricFamily("klipperiwc_printer_metrics_up", "1 when the printers' values could be read.")
        state = GaugeMetricFamily(
            "klipperiwc_printer_state",
            "1 for the printer's current state, 0 for the others.",
            labels=["printer", "state"],
        )
        progress = GaugeMetricFamily(
            "klipperiwc_printer_job_progress_ratio", "Progress (0..1) of the printer's active job.", labels=["printer"]
        )
        actual = GaugeMetricFamily(
            "klipperiwc_printer_temperature_celsius", "Measured temperature.", labels=["printer", "component"]
        )
        target = GaugeMetricFamily(
            "klipperiwc_printer_temperature_target_celsius",
            "Target temperature (heaters only).",
            labels=["printer", "component"],
        )
        connection = GaugeMetricFamily(
            "klipperiwc_bridge_connection_state",
            "1 for the bridge's current connection state to the printer, 0 for the others.",
            labels=["printer", "state"],
        )
        try:
            rows = _printer_rows()
        except Exception:
            logger.warning("Printer metrics could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        for slug, current, link in rows:
            for choice in PrinterState.values:
                state.add_metric([slug, choice], 1 if current.state == choice else 0)
            if current.active_job is not None:
                progress.add_metric([slug], current.active_job.progress)
            for reading in current.temperatures:
                actual.add_metric([slug, reading.component], reading.actual)
                if reading.target is not None:
                    target.add_metric([slug, reading.component], reading.target)
            for choice in ConnectionState.values:
                connection.add_metric([slug, choice], 1 if link == choice else 0)
        up.add_metric([], 1)
        yield from (up, state, progress, actual, target, connection)


def _printer_rows() -> list[tuple[str, Any, str]]:
    """(slug, current status, connection state) of every printer."""
    from django.utils import timezone

    from status.models import PrinterState
    from status.printer_selectors import printer_connection, printer_list
    from status.selectors import status_current, status_latest
    from status.sources import PrinterStatus
    from status.sources.registry import source_pushes

    rows = []
    for printer in printer_list():
        if source_pushes(printer):
            current = status_current(printer=printer)
        else:
            # A pull printer's status_current samples and stores; a scrape only reads.
            latest = status_latest(printer=printer)
            current = (
                latest[1]
                if latest is not None
                else PrinterStatus(state=PrinterState.OFFLINE, message="", uptime_seconds=0, updated_at=timezone.now())
            )
        rows.append((printer.slug, current, printer_connection(printer=printer)["state"]))
    return rows


# --- The view ----------------------------------------------------------------------------------
_BEARER = re.compile(r"Bearer\s+(\S+)\s*\Z", re.IGNORECASE)


@functools.cache
def _scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(PrinterCollector())
    return registry


def exposition(accept: str = "") -> tuple[bytes, str]:
    """(body, content type) of every process of this deployment plus the per-printer values.

    The format the scraper's Accept asks for (the library's choice): Prometheus text by
    default, OpenMetrics for a scraper that prefers it.
    """
    encoder, content_type = choose_encoder(accept)
    if MULTIPROCESS:
        forget_dead_processes()
    return encoder(_scrape_registry()), content_type


class MetricsView(View):
    """GET /metrics: Prometheus text. With METRICS_TOKEN set it needs ``Authorization: Bearer <token>``.

    Not in the OpenAPI schema: it is not part of the JSON API but Prometheus's
    scrape target, in Prometheus's text format (a plain Django view, which
    drf-spectacular does not list).
    """

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        # Imported here: the services that count import this module, and these pull in DRF.
        from rest_framework.exceptions import APIException

        from accounts import api_keys
        from accounts.roles import Role
        from klipperiwc_site.middleware import json_error
        from klipperiwc_site.tokens import token_matches

        configured = settings.METRICS_TOKEN
        if configured and api_keys.presented_key(request) is not None:
            # An operator's personal API key (accounts/api_keys.py); a wrong one counts as a guess.
            try:
                api_keys.require_key_role(request, Role.OPERATOR)
            except APIException as exc:
                wait = getattr(exc, "wait", None)  # a lockout's TooManyFailures
                headers = {"Retry-After": str(wait)} if wait else None
                return json_error(exc.status_code, str(exc.detail), headers=headers)
        elif configured:
            match = _BEARER.match(request.headers.get("Authorization", ""))
            if match is None:
                return json_error(
                    401,
                    "/metrics needs an Authorization: Bearer header holding METRICS_TOKEN.",
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
            if not token_matches(match.group(1), configured):
                return json_error(403, "The Authorization header does not hold a valid token for /metrics.")
        try:
            body, content_type = exposition(request.headers.get("Accept", ""))
        except Exception:
            logger.exception("/metrics could not be collected")
            return json_error(
                503, "The metrics could not be collected; try again later.", headers={"Retry-After": "10"}
            )
        return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from klipperiwc_site.middleware import json_error

        return json_error(405, headers={"Allow": "GET, HEAD"})
