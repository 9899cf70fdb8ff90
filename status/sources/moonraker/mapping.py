"""Klipper's objects (as Moonraker reports them) -> our PrinterStatus. Pure functions, no I/O.

Inputs are what the Moonraker source keeps per printer: the merged
subscription values (``{object name: {field: value}}``), klippy's state from
``server.info`` and the ``notify_klippy_*`` notifications, Moonraker's job
queue, its history job for the current file, the file's slicer metadata, and
when the printer's host booted. Every value may be missing or of the wrong
type (a printer without a fan, a half-started klippy, a stand-in): the
mapping then leaves that part out instead of failing.

State (issue 10):
- klippy not connected (``disconnected``) or starting (``startup``) -> offline, the message says which;
- ``webhooks.state`` shutdown / error -> error with ``webhooks.state_message``;
- ``print_stats.state`` printing -> printing, paused -> paused, error -> error (its message),
  standby / complete / cancelled -> idle.
Moonraker unreachable is ``offline_status()``.

The active job is the file in ``print_stats.filename``: running or paused
while printing; after the print ended it stays as completed / cancelled /
failed until klippy forgets the file (as the demo source keeps the finished
job), so the job history learns how it ended.

uptime_seconds: how long the printer's host has been up (Moonraker's
``machine.proc_stats`` ``system_uptime``, turned into a boot time by the
source), or, if Moonraker did not say, how long this connection has been up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from status.models import JobStatus, PrinterState
from status.sources.base import Fan, Job, PrinterStatus, TemperatureReading, Toolhead

KLIPPY_OFFLINE_MESSAGES = {
    "disconnected": "Klippy is not connected to Moonraker",
    "startup": "Klippy is starting up",
}
PRINTING_STATES = {
    "printing": (PrinterState.PRINTING, JobStatus.RUNNING),
    "paused": (PrinterState.PAUSED, JobStatus.PAUSED),
}
FINISHED_JOB_STATUS = {
    "complete": JobStatus.COMPLETED,
    "cancelled": JobStatus.CANCELLED,
    "error": JobStatus.FAILED,
}
MESSAGE_MAX = 500  # status_history.message
# Klipper's fan objects besides ``fan`` (the part cooling fan); each has a ``speed`` 0..1.
FAN_PREFIXES = ("heater_fan ", "controller_fan ", "fan_generic ", "temperature_fan ")


def number(value: Any) -> float | None:
    """A finite float, or None for anything else (bools, strings, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _obj(objects: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = objects.get(name)
    return value if isinstance(value, Mapping) else {}


def from_unix(value: Any) -> datetime | None:
    seconds = number(value)
    if seconds is None or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _clip(message: str) -> str:
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def merge_diff(objects: dict[str, dict[str, Any]], diff: Mapping[str, Any]) -> list[str]:
    """Fold a ``notify_status_update`` diff into ``objects`` (in place); names of the values that were not objects.

    Moonraker sends only the fields that changed, each whole (a nested value such as
    ``print_stats.info`` replaces the old one), so a field-level update is the merge.
    """
    skipped = []
    for name, values in diff.items():
        if isinstance(values, Mapping):
            objects.setdefault(name, {}).update(values)
        else:
            skipped.append(name)
    return skipped


def offline_status(message: str, *, now: datetime) -> PrinterStatus:
    """Moonraker unreachable, refusing the key, or klippy gone: offline, nothing else known."""
    return PrinterStatus(state=PrinterState.OFFLINE.value, message=_clip(message), uptime_seconds=0, updated_at=now)


def temperatures(
    objects: Mapping[str, Any], sensors: Iterable[str], *, now: datetime
) -> tuple[TemperatureReading, ...]:
    """Every heater and sensor that reports a temperature; ``target`` only where the object has one."""
    readings = []
    for name in sensors:
        obj = _obj(objects, name)
        actual = number(obj.get("temperature"))
        if actual is None:
            continue
        target = number(obj.get("target")) if "target" in obj else None
        readings.append(TemperatureReading(component=name, actual=round(actual, 2), target=target, timestamp=now))
    return tuple(readings)


def queued_jobs(queue: Sequence[Any]) -> tuple[Job, ...]:
    """Moonraker's job queue (``server.job_queue.status`` ``queued_jobs``) as queued Jobs, in order."""
    jobs = []
    for entry in queue:
        if not isinstance(entry, Mapping):
            continue
        filename = text(entry.get("filename"))
        if not filename:
            continue
        job_id = text(entry.get("job_id")) or filename
        jobs.append(Job(id=job_id, name=filename, progress=0.0, status=JobStatus.QUEUED.value))
    return tuple(jobs)


def _remaining_seconds(*, estimated_time: float | None, print_duration: float | None, progress: float) -> float | None:
    """Seconds left: the slicer's estimate less the time printed; else extrapolated from progress."""
    if estimated_time and print_duration is not None and estimated_time - print_duration > 0:
        return estimated_time - print_duration
    if print_duration and progress > 0:
        return print_duration * (1.0 - progress) / progress
    return None


def active_job(
    objects: Mapping[str, Any],
    *,
    now: datetime,
    history_job: Mapping[str, Any] | None = None,
    file_metadata: Mapping[str, Any] | None = None,
    thumbnail_url: str | None = None,
) -> Job | None:
    """The job of the file in print_stats, or None. With klippy shut down a print cannot go on: it failed,
    even in the moment before print_stats says so (klippy reports the two changes apart)."""
    print_stats = _obj(objects, "print_stats")
    filename = text(print_stats.get("filename"))
    state = print_stats.get("state")
    if not filename or (state not in PRINTING_STATES and state not in FINISHED_JOB_STATUS):
        return None
    # The history job is this print's if it is of this file and, while printing, still in progress
    # (the last job of the same file is not the start of this one).
    if history_job is not None and (
        not isinstance(history_job, Mapping)
        or history_job.get("filename") != filename
        or (state in PRINTING_STATES and history_job.get("status") != "in_progress")
    ):
        history_job = None
    progress = number(_obj(objects, "virtual_sdcard").get("progress"))
    if progress is None:
        progress = number(_obj(objects, "display_status").get("progress")) or 0.0
    progress = min(1.0, max(0.0, progress))
    if state == "complete":
        progress = 1.0

    started_at = from_unix(history_job.get("start_time")) if history_job else None
    total_duration = number(print_stats.get("total_duration"))
    if started_at is None and total_duration and state in PRINTING_STATES:
        started_at = now - timedelta(seconds=total_duration)

    elapsed = total_duration
    if elapsed is None and started_at is not None and state in PRINTING_STATES:
        elapsed = (now - started_at).total_seconds()

    metadata = file_metadata if isinstance(file_metadata, Mapping) else {}
    current_layer, total_layers = layers(objects, metadata, printing=state in PRINTING_STATES)
    estimated_completion = None
    if state in PRINTING_STATES and _obj(objects, "webhooks").get("state") in ("shutdown", "error"):
        job_status = JobStatus.FAILED
    elif state in PRINTING_STATES:
        job_status = PRINTING_STATES[state][1]
        remaining = _remaining_seconds(
            estimated_time=number(metadata.get("estimated_time")),
            print_duration=number(print_stats.get("print_duration")),
            progress=progress,
        )
        if remaining is not None:
            estimated_completion = now + timedelta(seconds=remaining)
    else:
        job_status = FINISHED_JOB_STATUS[state]
    job_id = text(history_job.get("job_id")) if history_job else ""
    return Job(
        id=job_id or filename,
        name=filename,
        progress=round(progress, 4),
        status=job_status.value,
        started_at=started_at,
        estimated_completion=estimated_completion,
        current_layer=current_layer,
        total_layers=total_layers,
        elapsed_seconds=None if elapsed is None else round(max(0.0, elapsed), 3),
        thumbnail_url=thumbnail_url,
    )


def _whole(value: Any) -> int | None:
    value = number(value)
    return int(value) if value is not None and value >= 0 else None


def layers(objects: Mapping[str, Any], metadata: Mapping[str, Any], *, printing: bool) -> tuple[int | None, int | None]:
    """(current layer, total layers) of the print, each None when unknown.

    As Mainsail shows them: ``print_stats.info`` (the file's SET_PRINT_STATS_INFO) first; else the
    total from the slicer's metadata (``layer_count``, or object height over layer height) and, while
    printing, the current layer from the nozzle's height (gcode_move.gcode_position z).
    """
    info = _obj(_obj(objects, "print_stats"), "info")
    current, total = _whole(info.get("current_layer")), _whole(info.get("total_layer"))
    first = number(metadata.get("first_layer_height"))
    height = number(metadata.get("layer_height"))
    if total is None:
        total = _whole(metadata.get("layer_count"))
        object_height = number(metadata.get("object_height"))
        if total is None and object_height and first is not None and height:
            total = max(1, math.ceil((object_height - first) / height + 1))
    if current is None and printing and first is not None and height:
        position = _obj(objects, "gcode_move").get("gcode_position")
        z = number(position[2]) if isinstance(position, list) and len(position) >= 3 else None
        if z is not None and z > 0:
            current = max(0, math.ceil((z - first) / height + 1))
            if total is not None:
                current = min(current, total)
    return current, total


def fan_names(available: Iterable[Any]) -> list[str]:
    """The fan objects among Klipper's object names: ``fan`` first, then the others as listed."""
    names = [name for name in available if isinstance(name, str) and name.startswith(FAN_PREFIXES)]
    return (["fan"] if "fan" in available else []) + names


def fans(objects: Mapping[str, Any], names: Iterable[str]) -> tuple[Fan, ...]:
    """Every fan that reports a speed, clamped to 0..1."""
    result = []
    for name in names:
        speed = number(_obj(objects, name).get("speed"))
        if speed is not None:
            result.append(Fan(name=name, speed=round(min(1.0, max(0.0, speed)), 4)))
    return tuple(result)


def toolhead(objects: Mapping[str, Any]) -> Toolhead | None:
    """The nozzle's position and the homed axes, or None when klippy does not report a position.

    The position is ``gcode_move.gcode_position``, as Mainsail and Fluidd show it: the coordinates the
    G-code (the slicer's file, a G1 typed in the console) uses, with G92 and SET_GCODE_OFFSET taken
    out, so Z reads the layer height being printed. ``toolhead.position`` (the commanded machine
    position, offsets included) is the fallback for a klippy without gcode_move.
    """
    head = _obj(objects, "toolhead")
    for position in (_obj(objects, "gcode_move").get("gcode_position"), head.get("position")):
        if isinstance(position, list) and len(position) >= 3:
            x, y, z = (number(value) for value in position[:3])
            if x is not None and y is not None and z is not None:
                return Toolhead(x=round(x, 3), y=round(y, 3), z=round(z, 3), homed_axes=text(head.get("homed_axes")))
    return None


def _state_and_message(objects: Mapping[str, Any], klippy_state: str, klippy_message: str) -> tuple[str, str]:
    webhooks = _obj(objects, "webhooks")
    hook_state = text(webhooks.get("state")) or klippy_state
    state_message = text(webhooks.get("state_message")) or klippy_message
    if klippy_state in KLIPPY_OFFLINE_MESSAGES or hook_state == "startup":
        base = KLIPPY_OFFLINE_MESSAGES.get(klippy_state) or KLIPPY_OFFLINE_MESSAGES["startup"]
        detail = klippy_message if klippy_state in KLIPPY_OFFLINE_MESSAGES else ""
        return PrinterState.OFFLINE.value, f"{base}: {detail}" if detail and detail != base else base
    if hook_state in ("shutdown", "error"):
        return PrinterState.ERROR.value, state_message or f"Klippy reports {hook_state}"

    print_stats = _obj(objects, "print_stats")
    ps_state = print_stats.get("state")
    filename = text(print_stats.get("filename"))
    display = text(_obj(objects, "display_status").get("message"))
    ps_message = text(print_stats.get("message"))
    # display_status.message (M117) outlives the print that set it, so it only adds to what print_stats says.
    if ps_state == "printing":
        base = f"Printing {filename}" if filename else "Printing"
        return PrinterState.PRINTING.value, f"{base}: {display}" if display else base
    if ps_state == "paused":
        base = f"Paused: {filename}" if filename else "Paused"
        detail = ps_message
        return PrinterState.PAUSED.value, f"{base} ({detail})" if detail else base
    if ps_state == "error":
        return PrinterState.ERROR.value, ps_message or (f"Print of {filename} failed" if filename else "Print failed")
    if ps_state == "complete" and filename:
        return PrinterState.IDLE.value, f"Print complete: {filename}"
    if ps_state == "cancelled" and filename:
        return PrinterState.IDLE.value, f"Print cancelled: {filename}"
    if display:
        return PrinterState.IDLE.value, display
    return PrinterState.IDLE.value, state_message or "Printer is ready"


def printer_status(
    *,
    objects: Mapping[str, Any],
    now: datetime,
    klippy_state: str = "ready",
    klippy_message: str = "",
    sensors: Sequence[str] = (),
    queue: Sequence[Any] = (),
    history_job: Mapping[str, Any] | None = None,
    file_metadata: Mapping[str, Any] | None = None,
    up_since: datetime | None = None,
    fan_objects: Sequence[str] = (),
    thumbnail_url: str | None = None,
) -> PrinterStatus:
    """The status of a printer whose Moonraker answers.

    ``objects``: merged subscription values; ``klippy_state``: server.info's
    ``klippy_state`` (ready, startup, shutdown, error, disconnected);
    ``sensors``: object names of every heater and sensor (heaters.available_heaters
    + available_sensors); ``queue``: Moonraker's ``queued_jobs``;
    ``history_job``: Moonraker's history job for the current file (its job id
    and ``start_time``); ``file_metadata``: ``server.files.metadata`` of the
    current file (``estimated_time``, layer heights); ``up_since``: when the host booted;
    ``fan_objects``: the fan objects' names (fan_names); ``thumbnail_url``: the current file's
    thumbnail on this server, None when it has none.
    """
    state, message = _state_and_message(objects, klippy_state, klippy_message)
    uptime = 0
    if up_since is not None:
        uptime = max(0, int((now - up_since).total_seconds()))
    if state == PrinterState.OFFLINE.value:
        # Klippy's objects are gone with it; what is left may be stale.
        return PrinterStatus(
            state=state, message=_clip(message), uptime_seconds=uptime, updated_at=now, queued_jobs=queued_jobs(queue)
        )
    return PrinterStatus(
        state=state,
        message=_clip(message),
        uptime_seconds=uptime,
        updated_at=now,
        active_job=active_job(
            objects, now=now, history_job=history_job, file_metadata=file_metadata, thumbnail_url=thumbnail_url
        ),
        queued_jobs=queued_jobs(queue),
        temperatures=temperatures(objects, sensors, now=now),
        fans=fans(objects, fan_objects),
        toolhead=toolhead(objects),
    )


def sensor_names(heaters: Mapping[str, Any]) -> list[str]:
    """Heater and sensor object names from the ``heaters`` object, heaters first, each once."""
    names: list[str] = []
    # available_sensors: every temperature_sensor, temperature_fan and heater (heater_generic too);
    # available_monitors (newer Klipper): other temperatures, e.g. of stepper drivers.
    for key in ("available_heaters", "available_sensors", "available_monitors"):
        values = heaters.get(key) if isinstance(heaters, Mapping) else None
        for name in values if isinstance(values, list) else ():
            if isinstance(name, str) and name and name not in names:
                names.append(name)
    return names
