"""Test and benchmark helpers for the Moonraker source: a fake endpoint, a recording sink, a follow thread.

FakeMoonraker is a light fake Moonraker websocket endpoint, for unit tests of
the client and follower and for the benchmark.

Not Moonraker: it answers the JSON-RPC calls the follower makes from a small
in-memory model (``objects``, ``history``, ``queue``), checks the API key like
Moonraker does (``X-Api-Key`` on the upgrade or ``api_key`` in identify; a
wrong key is error -32602 "Invalid API Key" on identify, as Moonraker maps its
401), and lets a test misbehave on purpose: refuse the upgrade with an HTTP status, stop answering calls, stop reading
(so pings go unanswered), send raw frames, drop every connection. Tests that
need the real thing use real Moonraker (scripts/moonraker_instance.py).

    async with FakeMoonraker(api_key="k") as fake:
        source = MoonrakerSource(url=fake.url, api_key="k")
        ...
        await fake.push_status({"extruder": {"temperature": 201.5}})
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Response

# The fake's websockets logger, pinned to INFO as the client's is: DEBUG would print the X-Api-Key header.
fake_logger = logging.getLogger("status.sources.moonraker.testing.wire")
fake_logger.setLevel(logging.INFO)


def ready_objects() -> dict[str, dict[str, Any]]:
    """An idle printer with an extruder, a bed, a chamber sensor, a part fan and a hotend fan."""
    return {
        "webhooks": {"state": "ready", "state_message": "Printer is ready"},
        "print_stats": {
            "state": "standby",
            "filename": "",
            "message": "",
            "print_duration": 0.0,
            "total_duration": 0.0,
            "filament_used": 0.0,
            "info": {"current_layer": None, "total_layer": None},
        },
        "virtual_sdcard": {"progress": 0.0, "is_active": False, "file_position": 0},
        "display_status": {"progress": 0.0, "message": None},
        "pause_resume": {"is_paused": False},
        "idle_timeout": {"state": "Idle", "printing_time": 0.0},
        "toolhead": {"homed_axes": "", "position": [0.0, 0.0, 0.0, 0.0]},
        "gcode_move": {"gcode_position": [0.0, 0.0, 0.0, 0.0], "homing_origin": [0.0, 0.0, 0.0, 0.0]},
        "fan": {"speed": 0.0, "rpm": None},
        "heater_fan hotend_fan": {"speed": 0.0, "rpm": None},
        "extruder": {"temperature": 24.0, "target": 0.0, "power": 0.0},
        "heater_bed": {"temperature": 23.5, "target": 0.0, "power": 0.0},
        "temperature_sensor chamber": {"temperature": 22.0, "measured_min_temp": 21.0, "measured_max_temp": 23.0},
        "heaters": {
            "available_heaters": ["extruder", "heater_bed"],
            "available_sensors": ["extruder", "heater_bed", "temperature_sensor chamber"],
        },
    }


class FakeMoonraker:
    def __init__(
        self,
        *,
        api_key: str = "",
        objects: dict[str, dict[str, Any]] | None = None,
        klippy_state: str = "ready",
        history: list[dict[str, Any]] | None = None,
        queue: list[dict[str, Any]] | None = None,
        metadata: dict[str, dict[str, Any]] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.objects = objects if objects is not None else ready_objects()
        self.klippy_state = klippy_state
        self.history = history if history is not None else []
        self.queue = queue if queue is not None else []
        self.metadata = metadata if metadata is not None else {}
        self.host = host
        self.port = port
        self.url = ""
        # Misbehaviour switches.
        self.reject_upgrade: int | None = None  # answer the upgrade with this HTTP status
        self.answering = True  # False: calls get no answer
        self.handlers: dict[str, Callable[[dict], Any]] = {}  # method -> params -> result (raise for an error)
        # What happened.
        self.upgrades = 0
        self.calls: list[tuple[str, Any]] = []
        self.connections: set[ServerConnection] = set()
        self.subscribers: set[ServerConnection] = set()
        self.authorized: set[ServerConnection] = set()  # their key (header or identify) was right
        self.stuck: set[ServerConnection] = set()  # stop_reading() paused them
        self._server: Server | None = None

    async def __aenter__(self) -> FakeMoonraker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> str:
        self._server = await serve(
            self._handle,
            self.host,
            self.port,
            process_request=self._process_request,
            compression=None,
            ping_interval=None,
            max_size=16 * 1024 * 1024,
            logger=fake_logger,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{self.port}"
        return self.url

    async def stop(self) -> None:
        for connection in list(self.connections):
            if connection in self.stuck:
                connection.transport.abort()  # it reads nothing, so it would never finish a close handshake
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await self._server.wait_closed()
            self._server = None

    # -- misbehaving -------------------------------------------------------------------
    async def drop_connections(self) -> None:
        """Close every open websocket (as when Moonraker restarts)."""
        for connection in list(self.connections):
            with contextlib.suppress(Exception):
                await connection.close(1001, "Server Shutdown")

    def stop_reading(self) -> None:
        """Stop reading every connection: calls and pings go unanswered, as from a stuck host."""
        for connection in self.connections:
            self.stuck.add(connection)
            connection.transport.pause_reading()

    async def send_raw(self, frame: str | bytes) -> None:
        for connection in list(self.subscribers):
            with contextlib.suppress(Exception):
                await connection.send(frame)

    # -- pushing -----------------------------------------------------------------------
    async def notify(self, method: str, params: list | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self.send_raw(json.dumps(message))

    async def push_status(self, diff: dict[str, dict[str, Any]]) -> None:
        """Merge ``diff`` into the model and send it as notify_status_update."""
        for name, values in diff.items():
            self.objects.setdefault(name, {}).update(values)
        await self.notify("notify_status_update", [diff, time.monotonic()])

    # -- serving -----------------------------------------------------------------------
    def _process_request(self, connection: ServerConnection, request) -> Response | None:
        self.upgrades += 1
        if self.reject_upgrade is not None:
            status = HTTPStatus(self.reject_upgrade)
            body = json.dumps({"error": {"code": status.value, "message": status.phrase}}).encode()
            return Response(status.value, status.phrase, Headers([("Content-Type", "application/json")]), body)
        key = request.headers.get("X-Api-Key")
        # Moonraker opens the socket even with a wrong key; the socket then needs identify's key.
        if self._key_ok(key) or not self.api_key:
            self.authorized.add(connection)
        return None

    def _key_ok(self, key: str | None) -> bool:
        return bool(self.api_key) and isinstance(key, str) and hmac.compare_digest(key, self.api_key)

    async def _handle(self, connection: ServerConnection) -> None:
        self.connections.add(connection)
        try:
            async for raw in connection:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                method, call_id, params = message.get("method"), message.get("id"), message.get("params") or {}
                self.calls.append((method, params))
                if not self.answering:
                    continue
                reply: dict[str, Any] = {"jsonrpc": "2.0", "id": call_id}
                try:
                    reply["result"] = self._answer(connection, method, params)
                except RPCFault as fault:
                    reply["error"] = {"code": fault.code, "message": fault.message}
                await connection.send(json.dumps(reply))
        except Exception:  # noqa: S110 - a connection the client dropped; nothing to do
            pass
        finally:
            self.connections.discard(connection)
            self.subscribers.discard(connection)
            self.authorized.discard(connection)
            self.stuck.discard(connection)

    def _answer(self, connection: ServerConnection, method: str, params: dict) -> Any:
        if method in self.handlers:
            return self.handlers[method](params)
        if method == "server.connection.identify":
            if "api_key" in params:
                if not self._key_ok(params["api_key"]):
                    self.authorized.discard(connection)
                    raise RPCFault(-32602, "Invalid API Key")
                self.authorized.add(connection)
            if connection not in self.authorized:
                raise RPCFault(-32602, "Unauthorized")
            self.subscribers.add(connection)
            return {"connection_id": id(connection)}
        if connection not in self.authorized:
            raise RPCFault(-32602, "Unauthorized")
        connected = self.klippy_state != "disconnected"
        if method == "server.info":
            return {"klippy_connected": connected, "klippy_state": self.klippy_state, "components": []}
        if method == "machine.proc_stats":
            return {"system_uptime": 3600.0, "moonraker_stats": []}
        if method == "server.history.list":
            jobs = sorted(self.history, key=lambda job: job["start_time"], reverse=params.get("order") != "asc")
            if "since" in params:
                jobs = [job for job in jobs if job["start_time"] > params["since"]]
            start, limit = int(params.get("start", 0)), int(params.get("limit", 50))
            page = jobs[start : start + limit] if limit > 0 else jobs[start:]
            return {"count": len(page), "jobs": page}
        if method == "server.job_queue.status":
            return {"queued_jobs": self.queue, "queue_state": "paused"}
        if method == "server.files.metadata":
            if params.get("filename") not in self.metadata:
                raise RPCFault(-32601, f"Metadata not available for <{params.get('filename')}>")
            return self.metadata[params["filename"]]
        if not connected or self.klippy_state == "startup":
            raise RPCFault(503, "Klippy Host not connected")
        if method == "printer.objects.list":
            return {"objects": [name for name in self.objects if name != "heaters"] + ["heaters"]}
        if method in ("printer.objects.query", "printer.objects.subscribe"):
            wanted = params.get("objects", {})
            status = {name: dict(self.objects[name]) for name in wanted if name in self.objects}
            if method == "printer.objects.subscribe":
                self.subscribers.add(connection)
            return {"eventtime": time.monotonic(), "status": status}
        raise RPCFault(-32601, f"Method not found: {method}")


class RPCFault(Exception):
    """Raise from a handler to answer a JSON-RPC error."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Recorded:
    """One thing a source reported, with when (time.monotonic())."""

    kind: str  # status, connection, jobs, console
    value: Any
    at: float


class RecordingSink:
    """A SourceSink that records everything, for tests; waits work from the loop's thread and from others."""

    def __init__(self, *, since: float | None = None) -> None:
        self.since = since
        self.records: list[Recorded] = []
        self._condition = threading.Condition()

    def _add(self, kind: str, value: Any) -> None:
        with self._condition:
            self.records.append(Recorded(kind, value, time.monotonic()))
            self._condition.notify_all()

    # -- SourceSink --------------------------------------------------------------------
    async def status(self, status) -> None:
        self._add("status", status)

    async def connection(self, state: str, message: str = "") -> None:
        self._add("connection", (state, message))

    async def jobs(self, jobs: list[dict]) -> None:
        self._add("jobs", [dict(job) for job in jobs])

    async def job_sync_since(self) -> float | None:
        return self.since

    async def console(self, line: str, at: datetime) -> None:
        self._add("console", (line, at))

    # -- reading -------------------------------------------------------------------------
    def of(self, kind: str) -> list[Any]:
        with self._condition:
            return [record.value for record in self.records if record.kind == kind]

    @property
    def statuses(self) -> list:
        return self.of("status")

    @property
    def connections(self) -> list[tuple[str, str]]:
        return self.of("connection")

    @property
    def link(self) -> tuple[str | None, str]:
        """The last connection state reported, (None, "") before the first."""
        connections = self.connections
        return connections[-1] if connections else (None, "")

    @property
    def console_lines(self) -> list[str]:
        return [line for line, _ in self.of("console")]

    def jobs_by_id(self) -> dict[str, list[dict]]:
        """Every report of each job id, in order."""
        reported: dict[str, list[dict]] = {}
        for batch in self.of("jobs"):
            for job in batch:
                reported.setdefault(job["job_id"], []).append(job)
        return reported

    @property
    def last_status(self):
        statuses = self.statuses
        return statuses[-1] if statuses else None

    def wait(self, predicate: Callable[[RecordingSink], Any], *, timeout: float, what: str) -> Any:
        """Block until ``predicate(self)`` is truthy (re-checked on every report); its value, or AssertionError."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                value = predicate(self)
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; last: {self.describe()}")
                self._condition.wait(min(left, 0.5))

    async def until(self, predicate: Callable[[RecordingSink], Any], *, timeout: float, what: str) -> Any:
        """``wait`` for code on the follower's own loop: polls every 10 ms up to the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; last: {self.describe()}")
            await asyncio.sleep(0.01)

    def describe(self) -> str:
        last = self.last_status
        connection = self.connections[-1] if self.connections else None
        state = f"{last.state} {last.message!r}" if last else "no status"
        return f"status {state}, connection {connection}, {len(self.records)} records"


class FollowThread:
    """Runs ``source.follow(sink)`` on an event loop of its own in a thread, so blocking test code can drive
    the printer meanwhile; ``stop()`` cancels the follow and waits for it."""

    def __init__(self, source, sink) -> None:
        self.source = source
        self.sink = sink
        self.error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="moonraker-follow", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def main() -> None:
            self._task = asyncio.current_task()
            self._started.set()
            try:
                await self.source.follow(self.sink)
            except asyncio.CancelledError:
                pass
            except BaseException as exc:  # reported by stop()
                self.error = exc

        try:
            self._loop.run_until_complete(main())
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def start(self) -> FollowThread:
        self._thread.start()
        self._started.wait(10)
        return self

    def stop(self) -> None:
        if self._task is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(15)
        if self._thread.is_alive():
            raise AssertionError("the follow did not end within 15 s of being cancelled")
        if self.error is not None:
            raise AssertionError(f"follow() ended with {self.error!r}") from self.error

    def __enter__(self) -> FollowThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


RECORDINGS = Path(__file__).resolve().parents[2] / "tests" / "moonraker" / "recordings"


def load_recording(name: str) -> dict[str, Any]:
    """One of status/tests/moonraker/recordings/<name>.json (recorded from real Moonraker by record.py there)."""
    return json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))


class Replay:
    """Plays a recording's notifications into the inputs of mapping.printer_status, as the follower keeps them.

    Only what a recording holds: the subscription's values merged with every diff, klippy's
    state from the notify_klippy_* notifications and webhooks, the queue from
    notify_job_queue_changed, the history job from notify_history_changed.
    """

    def __init__(self, recording: dict[str, Any]) -> None:
        from status.sources.moonraker import mapping

        self._mapping = mapping
        calls = recording["calls"]
        self.notifications = recording["notifications"]
        self.objects = copy.deepcopy(calls["printer.objects.subscribe"]["status"])
        self.sensors = mapping.sensor_names(calls["printer.objects.query heaters"]["status"]["heaters"])
        self.queue = list(calls["server.job_queue.status"]["queued_jobs"])
        self.klippy_state = calls["server.info"]["klippy_state"]
        self.history_job: dict[str, Any] | None = None
        self.metadata = next((value for key, value in calls.items() if key.startswith("server.files.metadata")), None)
        self.position = 0

    def step(self) -> tuple[str, Any]:
        method, params = self.notifications[self.position]
        self.position += 1
        if method == "notify_status_update":
            self._mapping.merge_diff(self.objects, params[0])
            state = params[0].get("webhooks", {}).get("state")
            if state:
                self.klippy_state = state
        elif method == "notify_klippy_disconnected":
            self.klippy_state, self.objects = "disconnected", {}
        elif method == "notify_klippy_shutdown":
            self.klippy_state = "shutdown"
        elif method == "notify_klippy_ready":
            self.klippy_state = "ready"
        elif method == "notify_history_changed":
            self.history_job = params[0]["job"]
        elif method == "notify_job_queue_changed":
            self.queue = params[0]["updated_queue"]
        return method, params

    def until(self, predicate: Callable[[str, Any], bool]) -> tuple[str, Any]:
        """Step up to and including the first notification for which ``predicate(method, params)`` holds."""
        while self.position < len(self.notifications):
            method, params = self.step()
            if predicate(method, params):
                return method, params
        raise AssertionError("the recording has no such notification")

    def until_print_state(self, state: str) -> None:
        self.until(
            lambda method, params: (
                method == "notify_status_update" and params[0].get("print_stats", {}).get("state") == state
            )
        )

    def status(self, now: datetime, *, metadata: bool = True):
        return self._mapping.printer_status(
            objects=self.objects,
            now=now,
            klippy_state=self.klippy_state,
            sensors=self.sensors,
            queue=self.queue,
            history_job=self.history_job,
            file_metadata=self.metadata if metadata else None,
            up_since=now - timedelta(hours=1),
        )


@contextlib.asynccontextmanager
async def running(coro):
    """Run ``coro`` (say ``source.follow(sink)``) as a task for the ``async with`` block; cancelled after it.

    An exception the task ended with is raised at the block's end."""
    task = asyncio.create_task(coro)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
