"""The Moonraker source: follows one printer over Moonraker's websocket and pushes what changes.

``MoonrakerSource.follow(sink)`` runs until cancelled. Per connection:

1. open ``<moonraker_url>/websocket`` with ``X-Api-Key`` and identify as an agent (client.py);
2. read the host's uptime (``machine.proc_stats``), ``server.info`` (klippy's state), the job
   queue, and reconcile the job history from ``sink.job_sync_since()`` (``server.history.list``,
   page by page, each page to ``sink.jobs``);
3. once klippy is connected (ready, or shut down: its objects still answer), query ``heaters``,
   list the objects and subscribe to the ones we map and every heater and sensor;
4. merge each ``notify_status_update`` diff and report the mapped status; follow klippy's
   ready / shutdown / disconnected notifications (resubscribing when it is ready again), the
   history (each changed job to ``sink.jobs``), the queue and G-code responses (``sink.console``).

While klippy is not ready, ``server.info`` is polled every KLIPPY_POLL_SECONDS besides waiting
for ``notify_klippy_ready``. The status is re-sent every STATUS_REPEAT_SECONDS when nothing
changed (an idle printer at a steady temperature sends no diffs), so readers never take a
quiet printer for a bridge that stopped.

Faults: a connection that cannot be opened, closes, misses a ping or leaves a call unanswered
is ``unreachable`` (the reason says which) and is retried with capped exponential backoff and
jitter (Backoff: the first retry within 2 s, at most 30 s, reset after a healthy connection);
a refused key is ``auth_failed``, retried once a minute. Nothing here blocks: every wait has a
timeout, so one printer's trouble stays its own.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from status.sources.base import PrinterStatus, SourceSink, StatusSource
from status.sources.moonraker import mapping
from status.sources.moonraker.client import (
    LogOnce,
    MoonrakerAuthFailed,
    MoonrakerClient,
    MoonrakerError,
    MoonrakerRPCError,
)

logger = logging.getLogger(__name__)

# Objects the mapping reads (and the issue names), besides every heater, sensor and fan
# (heater_fan, controller_fan, fan_generic, temperature_fan NAME: found in printer.objects.list).
SUBSCRIBED_OBJECTS = (
    "webhooks",
    "print_stats",
    "virtual_sdcard",
    "display_status",
    "pause_resume",
    "idle_timeout",
    "toolhead",
    "gcode_move",
    "fan",
)
# Notifications Moonraker sends every client that the status does not depend on.
IGNORED_NOTIFICATIONS = frozenset(
    {
        "notify_proc_stat_update",
        "notify_filelist_changed",
        "notify_metadata_update",
        "notify_cpu_throttled",
        "notify_service_state_changed",
        "notify_user_created",
        "notify_user_deleted",
        "notify_user_logged_out",
        "notify_announcement_update",
        "notify_announcement_dismissed",
        "notify_announcement_wake",
        "notify_webcams_changed",
        "notify_active_spool_set",
        "notify_spoolman_status_changed",
        "notify_sudo_alert",
        "notify_agent_event",
        "notify_update_response",
        "notify_update_refreshed",
        "notify_power_changed",
        "notify_sensor_update",
        "notify_button_event",
        "notify_history_list_changed",
    }
)
KLIPPY_POLL_SECONDS = 2.0
STATUS_REPEAT_SECONDS = 5.0
HEALTHY_SECONDS = 10.0
AUTH_RETRY_SECONDS = 60.0
AUTH_RETRY_JITTER_SECONDS = 5.0
HISTORY_PAGE_SIZE = 100
HISTORY_MAX_PAGES = 1000
# A new print's history job follows its first print_stats diff within milliseconds; the status waits
# for it (at most this long) so the active job has Moonraker's job id from its first report on.
HISTORY_JOB_WAIT_SECONDS = 1.0
# Moonraker's ``since`` is exclusive (start_time > since); a little earlier keeps the job that started then
# (the sink's time may have gone through a datetime, microseconds, and back).
HISTORY_SINCE_MARGIN_SECONDS = 0.01


def moonraker_url_problem(url: str) -> str | None:
    """What is wrong with a Moonraker address (None: nothing)."""
    if not url:
        return "is required for a printer of kind moonraker, e.g. http://printer.local:7125"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"is not a valid address ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host name"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "must be http(s)://host:port with an optional path, without user, query or fragment"
    del port
    return None


def file_thumbnail_url(printer_slug: str, filename: str) -> str:
    """The URL on this server of a G-code file's thumbnail (the server fetches it from Moonraker once)."""
    from django.urls import NoReverseMatch, reverse

    try:
        base = reverse("printer-thumbnail", kwargs={"slug": printer_slug})
    except NoReverseMatch:  # the route lives in the control app; keep its documented address
        base = f"/api/printers/{quote(printer_slug, safe='')}/thumbnail"
    return f"{base}?file={quote(filename, safe='/')}"


def has_thumbnail(metadata: Any) -> bool:
    """Whether Moonraker extracted thumbnails from the file (``server.files.metadata`` ``thumbnails``)."""
    thumbnails = metadata.get("thumbnails") if isinstance(metadata, dict) else None
    return isinstance(thumbnails, list) and any(isinstance(item, dict) for item in thumbnails)


class Backoff:
    """Capped exponential backoff with jitter: attempt n waits in [d/2, d], d = min(cap, first * 2**n)."""

    def __init__(self, *, first: float = 1.5, cap: float = 30.0, rng: Callable[[], float] = random.random) -> None:
        self.first = first
        self.cap = cap
        self._rng = rng
        self.attempt = 0

    def next(self) -> float:
        delay = min(self.cap, self.first * 2**self.attempt)
        self.attempt = min(self.attempt + 1, 32)
        return delay / 2 + self._rng() * delay / 2

    def reset(self) -> None:
        self.attempt = 0


class MoonrakerSource(StatusSource):
    kind = "moonraker"
    pushes = True

    def __init__(self, *, url: str, api_key: str, printer_slug: str = "") -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.printer_slug = printer_slug

    def __repr__(self) -> str:  # never the key
        return f"<MoonrakerSource {self.printer_slug or self.url}>"

    @classmethod
    def for_printer(cls, printer) -> MoonrakerSource:
        return cls(url=printer.moonraker_url, api_key=printer.api_key, printer_slug=printer.slug)

    @classmethod
    def config_problems(cls, *, moonraker_url: str, api_key: str, source_config) -> dict[str, str]:
        problem = moonraker_url_problem(moonraker_url)
        return {"moonraker_url": problem} if problem else {}

    async def follow(self, sink: SourceSink) -> None:
        await MoonrakerFollower(
            url=self.url, api_key=self.api_key, sink=sink, label=self.printer_slug, printer_slug=self.printer_slug
        ).run()


def _now() -> datetime:
    return datetime.now(UTC)


class MoonrakerFollower:
    """One follow(): the connection loop and what it knows about the printer."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        sink: SourceSink,
        label: str = "",
        backoff: Backoff | None = None,
        client_factory: Callable[..., MoonrakerClient] = MoonrakerClient,
        auth_retry_seconds: float = AUTH_RETRY_SECONDS,
        printer_slug: str = "",
    ) -> None:
        self.url = url
        self.printer_slug = printer_slug  # for the thumbnail URL; none without it
        self._api_key = api_key
        self.sink = sink
        self.label = label or urlsplit(url).netloc
        self.backoff = backoff or Backoff()
        self.client_factory = client_factory
        self.auth_retry_seconds = auth_retry_seconds
        self.log_once = LogOnce(logger, prefix=f"printer {self.label}: ")
        self.client: MoonrakerClient | None = None
        self._connection_reported: tuple[str, str] | None = None
        self._last_status_at = 0.0
        self._was_healthy = False
        self.next_retry_in: float | None = None  # seconds, after the last failed connection
        self._reset_session()

    def _reset_session(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.sensors: list[str] = []
        self.fans: list[str] = []
        self.thumbnail_url: str | None = None
        self.klippy_state = "disconnected"
        self.klippy_message = ""
        self.subscribed = False
        self.queue: list[Any] = []
        self.history_job: dict[str, Any] | None = None
        self.metadata: dict[str, Any] | None = None
        self.metadata_for: str | None = None
        self.history_checked_for: str | None = None
        self.up_since: datetime | None = None
        self.offline_status: PrinterStatus | None = None
        self._hold_for: str | None = None  # the file whose history job a held status waits for
        self._hold_until = 0.0
        self._held = False

    # -- the loop -------------------------------------------------------------------
    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        await self._connection("connecting", "")
        while True:
            started = loop.time()
            self._reset_session()
            try:
                await self._session()
                delay = self.backoff.next()  # _session only returns by raising; kept for safety
            except MoonrakerAuthFailed as exc:
                reason = str(exc)
                logger.warning("printer %s: %s; next try in %g s", self.label, reason, self.auth_retry_seconds)
                await self._connection("auth_failed", reason)
                await self._offline(f"Moonraker refused the API key: {reason}")
                delay = self.auth_retry_seconds + random.random() * AUTH_RETRY_JITTER_SECONDS  # noqa: S311
            except MoonrakerError as exc:
                if loop.time() - started >= HEALTHY_SECONDS and self._was_healthy:
                    self.backoff.reset()
                delay = self.backoff.next()
                reason = str(exc)
                logger.info("printer %s: Moonraker unreachable (%s); next try in %.1f s", self.label, reason, delay)
                await self._connection("unreachable", reason)
                await self._offline(f"Moonraker unreachable: {reason}")
            except Exception as exc:  # a bug here must not end the printer's follow
                logger.exception("printer %s: following Moonraker failed", self.label)
                delay = self.backoff.next()
                await self._connection("unreachable", f"internal error ({type(exc).__name__})")
                await self._offline(f"Moonraker follower failed ({type(exc).__name__})")
            finally:
                if self.client is not None:
                    await self.client.close()
                    self.client = None
            self.next_retry_in = delay
            await self._wait(delay)

    @property
    def _live_client(self) -> MoonrakerClient:
        """The running session's client: the methods that talk to Moonraker run only inside ``_session``."""
        if self.client is None:
            raise RuntimeError(f"printer {self.label}: no Moonraker session is running")
        return self.client

    async def _wait(self, delay: float) -> None:
        """Sleep ``delay`` s, re-sending the offline status so readers see the reason, not staleness."""
        loop = asyncio.get_running_loop()
        until = loop.time() + delay
        while (left := until - loop.time()) > 0:
            await asyncio.sleep(min(left, STATUS_REPEAT_SECONDS))
            if self.offline_status is not None and until - loop.time() > 0:
                await self._offline(self.offline_status.message)

    async def _session(self) -> None:
        self._was_healthy = False
        self.client = client = self.client_factory(self.url, self._api_key, log_once=self.log_once)
        await client.connect()
        await client.identify()
        connected_at = _now()
        try:
            stats = await client.call("machine.proc_stats")
            uptime = mapping.number(stats.get("system_uptime")) if isinstance(stats, dict) else None
        except MoonrakerRPCError:
            uptime = None
        self.up_since = connected_at - timedelta(seconds=uptime) if uptime is not None else connected_at
        info = await client.call("server.info")
        await self._reconcile_history()
        await self._read_queue()
        await self._klippy_from_info(info)
        self._was_healthy = True
        logger.info("printer %s: following Moonraker at %s (klippy %s)", self.label, client.address, self.klippy_state)
        await self._emit()
        await self._follow_notifications()

    async def _follow_notifications(self) -> None:
        loop = asyncio.get_running_loop()
        next_poll = loop.time() + KLIPPY_POLL_SECONDS
        while True:
            now = loop.time()
            if self.klippy_state != "ready" or not self.subscribed:
                if now >= next_poll:
                    await self._klippy_from_info(await self._live_client.call("server.info"))
                    await self._emit()
                    next_poll = loop.time() + KLIPPY_POLL_SECONDS
                    continue
                wake = min(next_poll, self._last_status_at + STATUS_REPEAT_SECONDS)
            else:
                next_poll = now + KLIPPY_POLL_SECONDS
                wake = self._last_status_at + STATUS_REPEAT_SECONDS
            if self._held:
                wake = min(wake, self._hold_until)
            try:
                # asyncio.timeout: Python 3.11's wait_for can lose a cancellation racing a ready notification.
                async with asyncio.timeout(max(0.0, wake - now)):
                    method, params = await self._live_client.next_notification()
            except TimeoutError:
                now = loop.time()
                if now >= self._last_status_at + STATUS_REPEAT_SECONDS or (self._held and now >= self._hold_until):
                    await self._emit()
                continue
            await self._on_notification(method, params)

    # -- klippy -----------------------------------------------------------------------
    async def _klippy_from_info(self, info: Any) -> None:
        if not isinstance(info, dict):
            self.log_once("malformed server.info", f"server.info answered {type(info).__name__}, not an object")
            info = {}
        state = info.get("klippy_state") if info.get("klippy_connected", True) else "disconnected"
        state = state if isinstance(state, str) and state else "disconnected"
        if state in ("ready", "shutdown", "error") and (not self.subscribed or self.klippy_state != state):
            self.klippy_state = state
            await self._subscribe()
        else:
            self.klippy_state = state
            if state not in ("ready", "shutdown", "error"):
                self.subscribed = False

    async def _subscribe(self) -> None:
        """Query heaters, list the objects, subscribe; klippy gone meanwhile leaves us polling."""
        client = self._live_client
        try:
            answer = await client.call("printer.objects.query", {"objects": {"heaters": None}})
            heaters = answer.get("status", {}).get("heaters", {}) if isinstance(answer, dict) else {}
            sensors = mapping.sensor_names(heaters)
            try:
                listed = await client.call("printer.objects.list")
                available = listed.get("objects") if isinstance(listed, dict) else None
            except MoonrakerRPCError:
                available = None
            fans = mapping.fan_names(available) if isinstance(available, list) else ["fan"]
            wanted = [name for name in dict.fromkeys((*SUBSCRIBED_OBJECTS, *sensors, *fans)) if name != "heaters"]
            if isinstance(available, list):
                wanted = [name for name in wanted if name in available]
            result = await client.call("printer.objects.subscribe", {"objects": dict.fromkeys(wanted)})
        except MoonrakerRPCError as exc:
            # Klippy went away between server.info and here; server.info polling picks it up again.
            logger.info("printer %s: cannot subscribe yet (%s)", self.label, exc.message)
            self.subscribed = False
            if self.klippy_state == "ready":
                self.klippy_state = "startup"
            return
        status = result.get("status") if isinstance(result, dict) else None
        if not isinstance(status, dict):
            self.log_once("malformed subscription", "printer.objects.subscribe answered without a status object")
            status = {}
        self.objects = {name: dict(values) for name, values in status.items() if isinstance(values, dict)}
        self.sensors = sensors
        self.fans = fans
        self.subscribed = True
        webhooks = self.objects.get("webhooks", {})
        if isinstance(webhooks.get("state"), str) and webhooks["state"] in ("ready", "shutdown", "error", "startup"):
            self.klippy_state = webhooks["state"]
            self.klippy_message = mapping.text(webhooks.get("state_message"))
        await self._file_changed()

    # -- notifications ----------------------------------------------------------------------
    async def _on_notification(self, method: str, params: Any) -> None:
        if method == "notify_status_update":
            diff = params[0] if isinstance(params, list) and params else None
            if not isinstance(diff, dict):
                self.log_once("malformed notify_status_update", f"params {type(params).__name__} without a diff object")
                return
            filename_before = self.objects.get("print_stats", {}).get("filename")
            for name in mapping.merge_diff(self.objects, diff):
                self.log_once(f"malformed {name} update", f"{name} came as {type(diff[name]).__name__}, not an object")
            webhooks = diff.get("webhooks")
            if isinstance(webhooks, dict) and isinstance(webhooks.get("state"), str):
                self.klippy_state = webhooks["state"]
            if self.objects.get("print_stats", {}).get("filename") != filename_before:
                await self._emit()
                await self._file_changed()
            await self._emit()
        elif method == "notify_gcode_response":
            line = params[0] if isinstance(params, list) and params else None
            if not isinstance(line, str):
                self.log_once("malformed notify_gcode_response", f"params {type(params).__name__} without a line")
                return
            at = _now()
            for part in line.splitlines() or [line]:
                if part.strip():
                    await self.sink.console(part, at)
        elif method == "notify_history_changed":
            event = params[0] if isinstance(params, list) and params else None
            job = event.get("job") if isinstance(event, dict) else None
            if not isinstance(job, dict) or not job.get("job_id"):
                self.log_once("malformed notify_history_changed", "no job object with a job_id")
                return
            await self.sink.jobs([job])
            self._track_history_job(job)
            await self._emit()
        elif method == "notify_job_queue_changed":
            event = params[0] if isinstance(params, list) and params else None
            updated = event.get("updated_queue") if isinstance(event, dict) else None
            if isinstance(updated, list):
                self.queue = updated
            else:
                await self._read_queue()
            await self._emit()
        elif method == "notify_klippy_ready":
            self.klippy_state = "ready"
            self.klippy_message = ""
            await self._subscribe()
            await self._emit()
        elif method == "notify_klippy_shutdown":
            self.klippy_state = "shutdown"
            await self._emit()
        elif method == "notify_klippy_disconnected":
            self.klippy_state = "disconnected"
            self.klippy_message = ""
            self.subscribed = False
            self.objects = {}
            await self._emit()
        elif method not in IGNORED_NOTIFICATIONS:
            self.log_once(f"unexpected {method}", "notification not followed; skipped", logging.INFO)

    # -- jobs, queue, files ------------------------------------------------------------------
    def _track_history_job(self, job: dict[str, Any]) -> None:
        # The newest job (by start) is the current file's; an update of the same job replaces it.
        current = self.history_job
        start = mapping.number(job.get("start_time")) or 0.0
        if (
            current is None
            or start >= (mapping.number(current.get("start_time")) or 0.0)
            or job.get("job_id") == current.get("job_id")
        ):
            self.history_job = job

    async def _reconcile_history(self) -> None:
        """Every job since ``sink.job_sync_since()``, oldest first, a page at a time, to ``sink.jobs``."""
        since = await self.sink.job_sync_since()
        params: dict[str, Any] = {"limit": HISTORY_PAGE_SIZE, "order": "asc"}
        if since is not None:
            params["since"] = max(0.0, float(since) - HISTORY_SINCE_MARGIN_SECONDS)
        for page in range(HISTORY_MAX_PAGES):
            answer = await self._live_client.call("server.history.list", {**params, "start": page * HISTORY_PAGE_SIZE})
            jobs = answer.get("jobs") if isinstance(answer, dict) else None
            if not isinstance(jobs, list):
                self.log_once("malformed server.history.list", "answer without a jobs list")
                return
            jobs = [job for job in jobs if isinstance(job, dict) and job.get("job_id")]
            if jobs:
                await self.sink.jobs(jobs)
                for job in jobs:
                    self._track_history_job(job)
            if len(answer["jobs"]) < HISTORY_PAGE_SIZE:
                return

    async def _read_queue(self) -> None:
        try:
            answer = await self._live_client.call("server.job_queue.status")
        except MoonrakerRPCError as exc:  # [job_queue] not configured
            self.log_once("no job queue", exc.message, logging.INFO)
            self.queue = []
            return
        queued = answer.get("queued_jobs") if isinstance(answer, dict) else None
        self.queue = queued if isinstance(queued, list) else []

    async def _file_changed(self) -> None:
        """The current file's slicer metadata (for the ETA) and its history job (for started_at), once per file."""
        filename = self.objects.get("print_stats", {}).get("filename")
        if not isinstance(filename, str) or not filename:
            self.metadata, self.metadata_for, self.thumbnail_url = None, None, None
            return
        if self.metadata_for != filename:
            try:
                answer = await self._live_client.call("server.files.metadata", {"filename": filename})
                self.metadata = answer if isinstance(answer, dict) else None
            except MoonrakerRPCError as exc:  # not in the gcodes folder, or never scanned
                logger.debug("printer %s: no metadata for %s (%s)", self.label, filename, exc.message)
                self.metadata = None
            self.metadata_for = filename
            # Built once per file, so the status of every diff does not build it again.
            self.thumbnail_url = (
                file_thumbnail_url(self.printer_slug, filename)
                if self.printer_slug and has_thumbnail(self.metadata)
                else None
            )
        if (self.history_job is None or self.history_job.get("filename") != filename) and (
            self.history_checked_for != filename
        ):
            self.history_checked_for = filename
            try:
                answer = await self._live_client.call("server.history.list", {"limit": 1, "order": "desc"})
            except MoonrakerRPCError:
                return
            jobs = answer.get("jobs") if isinstance(answer, dict) else None
            if isinstance(jobs, list) and jobs and isinstance(jobs[0], dict) and jobs[0].get("filename") == filename:
                self._track_history_job(jobs[0])

    # -- reporting -------------------------------------------------------------------------
    def current(self, now: datetime) -> PrinterStatus:
        return mapping.printer_status(
            objects=self.objects,
            now=now,
            klippy_state=self.klippy_state,
            klippy_message=self.klippy_message,
            sensors=self.sensors,
            queue=self.queue,
            history_job=self.history_job,
            file_metadata=self.metadata,
            up_since=self.up_since,
            fan_objects=self.fans,
            thumbnail_url=self.thumbnail_url,
        )

    def _holding(self) -> bool:
        """True while a print that just started waits (once, briefly) for its history job."""
        stats = self.objects.get("print_stats", {})
        job = self.history_job
        filename = stats.get("filename")
        if stats.get("state") not in ("printing", "paused") or (
            job is not None and job.get("filename") == filename and job.get("status") == "in_progress"
        ):
            self._held = False
            return False
        now = asyncio.get_running_loop().time()
        if self._hold_for != filename:
            self._hold_for, self._hold_until = filename, now + HISTORY_JOB_WAIT_SECONDS
        self._held = now < self._hold_until
        return self._held

    async def _emit(self) -> None:
        if self._holding():
            return
        status = self.current(_now())
        self._last_status_at = asyncio.get_running_loop().time()
        self.offline_status = None
        await self.sink.status(status)
        hook_state = self.objects.get("webhooks", {}).get("state") if self.subscribed else None
        klippy_down = self.klippy_state in ("shutdown", "error") or hook_state in ("shutdown", "error")
        if status.state == "offline" or klippy_down:
            await self._connection("klippy_not_ready", status.message)
        else:
            await self._connection("connected", "")

    async def _offline(self, message: str) -> None:
        status = mapping.offline_status(message, now=_now())
        self.offline_status = status
        self._last_status_at = asyncio.get_running_loop().time()
        await self.sink.status(status)

    async def _connection(self, state: str, message: str) -> None:
        if self._connection_reported == (state, message):
            return
        self._connection_reported = (state, message)
        await self.sink.connection(state, message)
