"""A stand-in for Klipper's klippy host process, for tests with real Moonraker.

Klipper is on no package registry, so tests run real Moonraker (from PyPI) against this
program. It speaks klippy's API socket (a unix socket; JSON objects each terminated by the
byte 0x03; replies ``{"id", "result"}`` or ``{"id", "error": {"error": "WebRequestError",
"message"}}``) and answers everything Moonraker asks at start-up and at run time: ``info``,
``list_endpoints``, ``objects/list``, ``objects/query``, ``objects/subscribe`` (pushes of
diffs, at most every 0.25 s, as Klipper does), ``gcode/subscribe_output``,
``register_remote_method``, ``gcode/script``, ``gcode/help``, ``gcode/restart``,
``gcode/firmware_restart``, ``emergency_stop`` and ``pause_resume/pause|resume|cancel``.

Behind it is a small model of a printer: ``webhooks``, ``configfile`` (its
``config.virtual_sdcard.path`` is the gcodes folder, which Moonraker takes as its own),
``print_stats``, ``virtual_sdcard``, ``display_status``, ``pause_resume``, ``idle_timeout``,
``toolhead``, ``gcode_move``, ``fan``, ``heater_fan hotend_fan`` (on while the extruder is above
50 °C, as Klipper's heater_fan), ``extruder``, ``heater_bed``, ``temperature_sensor chamber`` and
``heaters``. The sliced files of scripts/moonraker_instance.py report their layers with
``SET_PRINT_STATS_INFO`` (``print_stats.info``); ``G1`` moves ``toolhead.position`` and
``gcode_move.gcode_position``.

- ``SDCARD_PRINT_FILE FILENAME=...`` prints a file of the gcodes folder: its lines run at
  ``--lines-per-second``, so progress (``virtual_sdcard.progress``, by file position) moves
  and a test print takes seconds. A ``PAUSE`` line pauses the print; ``PAUSE``, ``RESUME``,
  ``CANCEL_PRINT`` and the ``pause_resume/*`` endpoints work; the end of the file leaves
  ``print_stats.state`` = complete.
- ``M104``/``M109``/``M140``/``M190``/``SET_HEATER_TEMPERATURE`` set heater targets (M109
  and M190 wait for the temperature); temperatures follow a first-order model
  (``--thermal-tau`` seconds) towards the target, or the ambient temperature when off.
- Responses go to G-code output subscribers: ``M117 msg`` sets ``display_status.message``,
  ``RESPOND MSG=x`` answers ``echo: x``, ``M118 x`` answers ``x``, ``M105`` answers
  temperatures, unknown commands answer ``!! Unknown command:"X"`` and fail the request.
- ``emergency_stop`` / ``M112``: ``webhooks.state`` shutdown with a ``state_message``.
  ``RESTART`` / ``FIRMWARE_RESTART`` (and the ``gcode/*restart`` endpoints): every client
  connection is closed, as Klipper does when it restarts, the printer is reset, the state is
  ``startup`` for ``--restart-seconds``, then ``ready``.

Test control, on the same socket (not listed by ``list_endpoints``, so Moonraker never sees
them): ``standin/set_state {"state", "message"}`` (e.g. ready after ``--start-state
startup``, or error), ``standin/set_status {"status": {object: {field: value}}}`` and
``standin/get_status {}`` (the whole model), ``standin/clients {}`` (the other connections:
subscribed objects, G-code output, remote methods).

``--events FILE`` appends one JSON line ``{"t": unix_time, "change": {object: {field:
value}}}`` for every change of the model as it happens (not for the durations
``print_stats.total_duration``/``print_duration`` and ``idle_timeout.printing_time``, which
Klipper computes at every query), so tests can measure how long a change takes to reach
them. Standard library only.

    python scripts/standin_klippy.py --socket PATH --gcodes DIR [--events FILE]
        [--lines-per-second 50] [--start-state ready|startup] [--startup-seconds S]
        [--restart-seconds 0.5] [--thermal-tau 1.5] [--ambient 25]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import logging
import math
import os
import re
import shlex
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("standin_klippy")

SOFTWARE_VERSION = "v0.12.0-standin"
PUSH_INTERVAL = 0.25  # Klipper's QueryStatusHelper pushes at most every 250 ms
THERMAL_INTERVAL = 0.25
HEATER_WAIT_TOLERANCE = 1.0  # M109/M190 return once within this many degrees of the target
ENDPOINTS = (
    "info",
    "emergency_stop",
    "register_remote_method",
    "list_endpoints",
    "gcode/help",
    "gcode/script",
    "gcode/restart",
    "gcode/firmware_restart",
    "gcode/subscribe_output",
    "objects/list",
    "objects/query",
    "objects/subscribe",
    "pause_resume/cancel",
    "pause_resume/pause",
    "pause_resume/resume",
)
GCODE_HELP = {
    "SDCARD_PRINT_FILE": "Loads a SD file and starts the print",
    "SDCARD_RESET_FILE": "Clears a loaded SD File. Stops the print if necessary",
    "PAUSE": "Pauses the current print",
    "RESUME": "Resumes the print from a pause",
    "CANCEL_PRINT": "Cancel the current print",
    "CLEAR_PAUSE": "Clears the current paused state without resuming the print",
    "SET_HEATER_TEMPERATURE": "Sets a heater temperature",
    "TEMPERATURE_WAIT": "Wait for a temperature on a sensor",
    "SET_PRINT_STATS_INFO": "Pass slicer info like layer act and total to klipper",
    "RESPOND": "Echo the message prepended with a prefix",
    "RESTART": "Reload config file and restart host software",
    "FIRMWARE_RESTART": "Restart firmware, host, and reload config",
    "M112": "Emergency stop",
}
HEATERS = {"extruder": "extruder", "heater_bed": "heater_bed"}
SENSORS = ("temperature_sensor chamber",)
HOTEND_FAN = "heater_fan hotend_fan"
HOTEND_FAN_ON_ABOVE = 50.0  # Klipper's heater_fan fan_temp default


class GCodeError(Exception):
    """A G-code command failed; Klipper answers ``!! message`` and fails the request."""


class RequestError(Exception):
    """A web request failed (bad method or parameters)."""


def _now() -> float:
    return time.time()


class Printer:
    """The model: Klipper's printer objects as dicts, plus the print and heater simulation."""

    def __init__(self, args: argparse.Namespace, server: StandinServer):
        self.args = args
        self.server = server
        self.gcodes = Path(args.gcodes).resolve()
        self.events_file = open(args.events, "a", encoding="utf-8") if args.events else None  # noqa: SIM115
        self.lines_per_second = float(args.lines_per_second)
        self.tau = float(args.thermal_tau)
        self.ambient = float(args.ambient)
        self.gcode_lock = asyncio.Lock()
        self.print_task: asyncio.Task | None = None
        self.print_started: float | None = None  # monotonic time of the print's start
        self.pause_started: float | None = None
        self.paused_total = 0.0
        self.print_ended: float | None = None
        self.absolute_extrude = True
        self.absolute_coordinates = True
        self.last_e = 0.0
        self.status: dict[str, dict[str, Any]] = {}
        self.reset(initial=True)

    # --- the objects -------------------------------------------------------------

    def reset(self, *, initial: bool = False) -> None:
        """The objects of a freshly started klippy (temperatures keep their physical value)."""
        old = self.status
        temps = {name: old.get(name, {}).get("temperature", self.ambient) for name in (*HEATERS, *SENSORS)}
        state = self.args.start_state if initial else "startup"
        message = "Printer is ready" if state == "ready" else "Startup in progress"
        gcodes = str(self.gcodes)
        self.status = {
            "webhooks": {"state": state, "state_message": message},
            "configfile": {
                "config": {
                    "printer": {"kinematics": "cartesian", "max_velocity": "300", "max_accel": "3000"},
                    "virtual_sdcard": {"path": gcodes},
                    "pause_resume": {},
                    "display_status": {},
                    "extruder": {"heater_pin": "PA1", "sensor_type": "EPCOS 100K B57560G104F", "max_temp": "300"},
                    "heater_bed": {"heater_pin": "PA2", "sensor_type": "EPCOS 100K B57560G104F", "max_temp": "130"},
                    "temperature_sensor chamber": {"sensor_type": "EPCOS 100K B57560G104F"},
                    "fan": {"pin": "PA3"},
                    HOTEND_FAN: {"pin": "PA4", "heater": "extruder", "heater_temp": "50.0"},
                },
                "settings": {
                    "printer": {"kinematics": "cartesian", "max_velocity": 300.0, "max_accel": 3000.0},
                    "virtual_sdcard": {"path": gcodes, "on_error_gcode": ""},
                    "extruder": {"max_temp": 300.0, "min_temp": 0.0, "min_extrude_temp": 170.0},
                    "heater_bed": {"max_temp": 130.0, "min_temp": 0.0},
                    "temperature_sensor chamber": {},
                },
                "save_config_pending": False,
                "save_config_pending_items": {},
                "warnings": [],
            },
            "print_stats": {
                "filename": "",
                "total_duration": 0.0,
                "print_duration": 0.0,
                "filament_used": 0.0,
                "state": "standby",
                "message": "",
                "info": {"total_layer": None, "current_layer": None},
            },
            "virtual_sdcard": {
                "file_path": None,
                "progress": 0.0,
                "is_active": False,
                "file_position": 0,
                "file_size": 0,
            },
            "display_status": {"progress": 0.0, "message": None},
            "pause_resume": {"is_paused": False},
            "idle_timeout": {"state": "Idle", "printing_time": 0.0},
            "toolhead": {
                "homed_axes": "",
                "axis_minimum": [0.0, 0.0, 0.0, 0.0],
                "axis_maximum": [220.0, 220.0, 250.0, 0.0],
                "print_time": 0.0,
                "stalls": 0,
                "estimated_print_time": 0.0,
                "extruder": "extruder",
                "position": [0.0, 0.0, 0.0, 0.0],
                "max_velocity": 300.0,
                "max_accel": 3000.0,
                "minimum_cruise_ratio": 0.5,
                "square_corner_velocity": 5.0,
            },
            "gcode_move": {
                "speed_factor": 1.0,
                "speed": 1500.0,
                "extrude_factor": 1.0,
                "absolute_coordinates": True,
                "absolute_extrude": True,
                "homing_origin": [0.0, 0.0, 0.0, 0.0],
                "position": [0.0, 0.0, 0.0, 0.0],
                "gcode_position": [0.0, 0.0, 0.0, 0.0],
            },
            "fan": {"speed": 0.0, "rpm": None},
            HOTEND_FAN: {"speed": 1.0 if temps["extruder"] > HOTEND_FAN_ON_ABOVE else 0.0, "rpm": None},
            "extruder": {
                "temperature": temps["extruder"],
                "target": 0.0,
                "power": 0.0,
                "can_extrude": temps["extruder"] >= 170.0,
                "pressure_advance": 0.0,
                "smooth_time": 0.04,
            },
            "heater_bed": {"temperature": temps["heater_bed"], "target": 0.0, "power": 0.0},
            "temperature_sensor chamber": {
                "temperature": temps["temperature_sensor chamber"],
                "measured_min_temp": temps["temperature_sensor chamber"],
                "measured_max_temp": temps["temperature_sensor chamber"],
            },
            "heaters": {
                "available_heaters": list(HEATERS),
                "available_sensors": [*HEATERS, *SENSORS],
                "available_monitors": [],
            },
        }
        self.print_started = self.pause_started = self.print_ended = None
        self.paused_total = 0.0
        self.absolute_extrude = self.absolute_coordinates = True
        self.last_e = 0.0
        if not initial:
            self._event(copy.deepcopy({k: v for k, v in self.status.items() if k != "configfile"}))

    def object_names(self) -> list[str]:
        return list(self.status)

    def get_status(self, name: str) -> dict[str, Any]:
        """One object's current fields (a copy), the durations computed now as Klipper does."""
        values = copy.deepcopy(self.status.get(name, {}))
        if name == "print_stats" and self.print_started is not None:
            end = self.print_ended if self.print_ended is not None else time.monotonic()
            total = end - self.print_started
            paused = self.paused_total + (end - self.pause_started if self.pause_started is not None else 0.0)
            values["total_duration"] = round(total, 3)
            values["print_duration"] = round(max(0.0, total - paused), 3)
        elif name == "idle_timeout" and values.get("state") == "Printing" and self.print_started is not None:
            values["printing_time"] = round(time.monotonic() - self.print_started, 3)
        return values

    def update(self, changes: dict[str, dict[str, Any]]) -> None:
        """Apply changes to the model: logged to the events file, pushed to subscribers."""
        real: dict[str, dict[str, Any]] = {}
        for name, fields in changes.items():
            current = self.status.setdefault(name, {})
            for field, value in fields.items():
                if current.get(field, object()) != value:
                    current[field] = copy.deepcopy(value)
                    real.setdefault(name, {})[field] = copy.deepcopy(value)
        if real:
            self._event(real)

    def _event(self, change: dict[str, Any]) -> None:
        if self.events_file is not None:
            self.events_file.write(json.dumps({"t": _now(), "change": change}) + "\n")
            self.events_file.flush()
        self.server.changed.set()

    @property
    def state(self) -> str:
        return self.status["webhooks"]["state"]

    def set_state(self, state: str, message: str) -> None:
        self.update({"webhooks": {"state": state, "state_message": message}})

    # --- heaters ---------------------------------------------------------------

    def heater_name(self, name: str) -> str:
        lowered = name.lower()
        for full in HEATERS:
            if lowered in (full, full.split()[-1]):
                return full
        if lowered in ("bed",):
            return "heater_bed"
        raise GCodeError(f"Heater {name} not configured")

    def set_target(self, heater: str, target: float) -> None:
        limit = 300.0 if heater == "extruder" else 130.0
        if target and not 0.0 <= target <= limit:
            raise GCodeError(f"Requested temperature ({target:.1f}) out of range (0.0:{limit:.1f})")
        self.update({heater: {"target": float(target)}})

    async def wait_temperature(self, name: str, minimum: float | None, maximum: float | None) -> None:
        while self.state == "ready":
            temp = self.status[name]["temperature"]
            if (minimum is None or temp >= minimum) and (maximum is None or temp <= maximum):
                return
            await asyncio.sleep(THERMAL_INTERVAL)
        raise GCodeError(self.status["webhooks"]["state_message"])

    async def thermal_loop(self) -> None:
        """First-order model: each heater moves towards its target (or the ambient) with time constant tau."""
        last = time.monotonic()
        while True:
            await asyncio.sleep(THERMAL_INTERVAL)
            now = time.monotonic()
            alpha = 1.0 - math.exp(-(now - last) / self.tau) if self.tau > 0 else 1.0
            last = now
            changes: dict[str, dict[str, Any]] = {}
            for name in HEATERS:
                obj = self.status[name]
                goal = obj["target"] if obj["target"] > 0 else self.ambient
                temp = obj["temperature"] + (goal - obj["temperature"]) * alpha
                power = 0.0
                if obj["target"] > 0:
                    power = max(0.0, min(1.0, (obj["target"] - temp) / 20.0 + 0.2))
                fields = {"temperature": round(temp, 2), "power": round(power, 3)}
                if name == "extruder":
                    fields["can_extrude"] = temp >= 170.0
                changes[name] = fields
            hotend_fan = 1.0 if changes["extruder"]["temperature"] > HOTEND_FAN_ON_ABOVE else 0.0
            changes[HOTEND_FAN] = {"speed": hotend_fan}
            # The chamber warms a little while the bed is hot.
            chamber = self.status["temperature_sensor chamber"]
            bed = changes["heater_bed"]["temperature"]
            goal = self.ambient + max(0.0, bed - self.ambient) * 0.1
            temp = round(chamber["temperature"] + (goal - chamber["temperature"]) * alpha / 4, 2)
            changes["temperature_sensor chamber"] = {
                "temperature": temp,
                "measured_min_temp": min(chamber["measured_min_temp"], temp),
                "measured_max_temp": max(chamber["measured_max_temp"], temp),
            }
            self.update(changes)

    # --- G-code ----------------------------------------------------------------

    def respond(self, text: str) -> None:
        self.server.gcode_output(text)

    def respond_info(self, text: str) -> None:
        self.respond("\n".join("// " + line for line in text.strip().split("\n")))

    async def run_script(self, script: str) -> None:
        """Run G-code lines as Klipper's gcode/script does: one at a time, an error stops the script."""
        lines = script.split("\n")
        # M112 acts at once, not after whatever holds the G-code lock (as Klipper's input does).
        if any(_command_of(line)[0] == "M112" for line in lines):
            self.emergency_stop()
            return
        async with self.gcode_lock:
            for line in lines:
                await self.run_line(line)

    async def run_line(self, line: str, *, from_file: bool = False) -> None:
        command, rest = _command_of(line)
        if not command:
            return
        try:
            await self._dispatch(command, rest, from_file=from_file)
        except GCodeError as exc:
            self.respond(f"!! {exc}")
            raise

    async def _dispatch(self, command: str, rest: str, *, from_file: bool) -> None:
        always = {"RESTART", "FIRMWARE_RESTART", "M112", "M105", "RESPOND", "M118", "STATUS", "HELP"}
        if self.state != "ready" and command not in always:
            raise GCodeError(self.status["webhooks"]["state_message"])
        params = _params(rest)
        handler = getattr(self, f"_cmd_{command.lower()}", None)
        if handler is None:
            if command in ("M104", "M140") and not _float(params.get("S", "0")):
                return  # Klipper does not warn about switching off heaters
            raise GCodeError(f'Unknown command:"{command}"')
        result = handler(params, rest)
        if asyncio.iscoroutine(result):
            await result

    # Heaters
    def _cmd_m104(self, params: dict[str, str], rest: str) -> None:
        self.set_target("extruder", _float(params.get("S", "0")))

    async def _cmd_m109(self, params: dict[str, str], rest: str) -> None:
        target = _float(params.get("S", "0"))
        self.set_target("extruder", target)
        if target > 0:
            await self.wait_temperature("extruder", target - HEATER_WAIT_TOLERANCE, None)

    def _cmd_m140(self, params: dict[str, str], rest: str) -> None:
        self.set_target("heater_bed", _float(params.get("S", "0")))

    async def _cmd_m190(self, params: dict[str, str], rest: str) -> None:
        target = _float(params.get("S", "0"))
        self.set_target("heater_bed", target)
        if target > 0:
            await self.wait_temperature("heater_bed", target - HEATER_WAIT_TOLERANCE, None)

    def _cmd_set_heater_temperature(self, params: dict[str, str], rest: str) -> None:
        if "HEATER" not in params:
            raise GCodeError("Error on 'SET_HEATER_TEMPERATURE': missing HEATER")
        self.set_target(self.heater_name(params["HEATER"]), _float(params.get("TARGET", "0")))

    async def _cmd_temperature_wait(self, params: dict[str, str], rest: str) -> None:
        name = params.get("SENSOR", "")
        if name not in self.status or "temperature" not in self.status[name]:
            raise GCodeError(f"Unknown sensor '{name}'")
        minimum = _float(params["MINIMUM"]) if "MINIMUM" in params else None
        maximum = _float(params["MAXIMUM"]) if "MAXIMUM" in params else None
        if minimum is None and maximum is None:
            raise GCodeError("Error on 'TEMPERATURE_WAIT': missing MINIMUM or MAXIMUM.")
        await self.wait_temperature(name, minimum, maximum)

    def _cmd_m105(self, params: dict[str, str], rest: str) -> None:
        e, b = self.status["extruder"], self.status["heater_bed"]
        self.respond(f"ok B:{b['temperature']:.1f} /{b['target']:.1f} T0:{e['temperature']:.1f} /{e['target']:.1f}")

    # Fan, moves
    def _cmd_m106(self, params: dict[str, str], rest: str) -> None:
        self.update({"fan": {"speed": round(max(0.0, min(255.0, _float(params.get("S", "255")))) / 255.0, 3)}})

    def _cmd_m107(self, params: dict[str, str], rest: str) -> None:
        self.update({"fan": {"speed": 0.0}})

    def _cmd_g28(self, params: dict[str, str], rest: str) -> None:
        position = list(self.status["toolhead"]["position"])
        position[:3] = [0.0, 0.0, 0.0]
        self.update(
            {"toolhead": {"homed_axes": "xyz", "position": position}, "gcode_move": {"gcode_position": position}}
        )

    def _cmd_g90(self, params: dict[str, str], rest: str) -> None:
        self.absolute_coordinates = True
        self.absolute_extrude = True
        self.update({"gcode_move": {"absolute_coordinates": True, "absolute_extrude": True}})

    def _cmd_g91(self, params: dict[str, str], rest: str) -> None:
        self.absolute_coordinates = False
        self.absolute_extrude = False
        self.update({"gcode_move": {"absolute_coordinates": False, "absolute_extrude": False}})

    def _cmd_m82(self, params: dict[str, str], rest: str) -> None:
        self.absolute_extrude = True
        self.update({"gcode_move": {"absolute_extrude": True}})

    def _cmd_m83(self, params: dict[str, str], rest: str) -> None:
        self.absolute_extrude = False
        self.update({"gcode_move": {"absolute_extrude": False}})

    def _cmd_g92(self, params: dict[str, str], rest: str) -> None:
        if "E" in params:
            self.last_e = _float(params["E"])

    def _cmd_g1(self, params: dict[str, str], rest: str) -> None:
        position = list(self.status["toolhead"]["position"])
        for index, axis in enumerate("XYZ"):
            if axis in params:
                value = _float(params[axis])
                position[index] = value if self.absolute_coordinates else position[index] + value
        changes: dict[str, dict[str, Any]] = {"toolhead": {"position": position}}
        if "E" in params:
            value = _float(params["E"])
            delta = value - self.last_e if self.absolute_extrude else value
            self.last_e = value if self.absolute_extrude else self.last_e + value
            position[3] += delta
            if delta > 0 and self.status["print_stats"]["state"] in ("printing", "paused"):
                used = round(self.status["print_stats"]["filament_used"] + delta, 5)
                changes["print_stats"] = {"filament_used": used}
        if "F" in params:
            changes["gcode_move"] = {"speed": _float(params["F"])}
        changes["gcode_move"] = {**changes.get("gcode_move", {}), "gcode_position": position}
        self.update(changes)

    _cmd_g0 = _cmd_g1

    def _cmd_g4(self, params: dict[str, str], rest: str) -> None:
        pass  # dwell: the print's pacing stands in for time spent

    def _cmd_m84(self, params: dict[str, str], rest: str) -> None:
        self.update({"toolhead": {"homed_axes": ""}})

    _cmd_m18 = _cmd_m84

    # Messages
    def _cmd_m117(self, params: dict[str, str], rest: str) -> None:
        self.update({"display_status": {"message": rest.strip() or None}})

    def _cmd_m118(self, params: dict[str, str], rest: str) -> None:
        self.respond(rest.strip())

    def _cmd_m73(self, params: dict[str, str], rest: str) -> None:
        if "P" in params:
            self.update({"display_status": {"progress": round(_float(params["P"]) / 100.0, 4)}})

    def _cmd_respond(self, params: dict[str, str], rest: str) -> None:
        prefix = params.get("PREFIX")
        kind = params.get("TYPE", "echo").lower()
        if prefix is None:
            prefix = {"echo": "echo:", "command": "//", "error": "!!"}.get(kind, "echo:")
        self.respond(f"{prefix} {params.get('MSG', '')}")

    def _cmd_status(self, params: dict[str, str], rest: str) -> None:
        self.respond_info("Klipper state: " + ("Ready" if self.state == "ready" else self.state.capitalize()))

    def _cmd_help(self, params: dict[str, str], rest: str) -> None:
        self.respond_info("\n".join(f"{name}: {text}" for name, text in GCODE_HELP.items()))

    def _cmd_set_print_stats_info(self, params: dict[str, str], rest: str) -> None:
        info = dict(self.status["print_stats"]["info"])
        if "TOTAL_LAYER" in params:
            info["total_layer"] = int(_float(params["TOTAL_LAYER"]))
            info.setdefault("current_layer", None)
        if "CURRENT_LAYER" in params:
            info["current_layer"] = int(_float(params["CURRENT_LAYER"]))
        self.update({"print_stats": {"info": info}})

    def _cmd_set_display_text(self, params: dict[str, str], rest: str) -> None:
        self.update({"display_status": {"message": params.get("MSG") or None}})

    # Restarts and emergency stop
    def _cmd_m112(self, params: dict[str, str], rest: str) -> None:
        self.emergency_stop()

    def _cmd_restart(self, params: dict[str, str], rest: str) -> None:
        self.server.schedule_restart()

    _cmd_firmware_restart = _cmd_restart

    # The print
    def _cmd_sdcard_print_file(self, params: dict[str, str], rest: str) -> None:
        if self.print_task is not None and not self.print_task.done():
            raise GCodeError("SD busy")
        name = params.get("FILENAME", "").strip().strip('"')
        if not name:
            raise GCodeError("Error on 'SDCARD_PRINT_FILE': missing FILENAME")
        path = (self.gcodes / name.lstrip("/")).resolve()
        if self.gcodes not in path.parents or not path.is_file():
            raise GCodeError("Unable to open file")
        size = path.stat().st_size
        self.print_started = time.monotonic()
        self.print_ended = self.pause_started = None
        self.paused_total = 0.0
        self.last_e = 0.0
        self.update(
            {
                "print_stats": {
                    "filename": name.lstrip("/"),
                    "state": "printing",
                    "message": "",
                    "filament_used": 0.0,
                    "total_duration": 0.0,
                    "print_duration": 0.0,
                    "info": {"total_layer": None, "current_layer": None},
                },
                "virtual_sdcard": {
                    "file_path": str(path),
                    "progress": 0.0,
                    "is_active": True,
                    "file_position": 0,
                    "file_size": size,
                },
                "display_status": {"progress": 0.0},
                "pause_resume": {"is_paused": False},
                "idle_timeout": {"state": "Printing"},
            }
        )
        self.print_task = asyncio.get_running_loop().create_task(self._print(path, 0))

    def _cmd_sdcard_reset_file(self, params: dict[str, str], rest: str) -> None:
        self._stop_print_task()
        self.print_started = self.print_ended = self.pause_started = None
        self.update(
            {
                "print_stats": {
                    "filename": "",
                    "state": "standby",
                    "message": "",
                    "filament_used": 0.0,
                    "total_duration": 0.0,
                    "print_duration": 0.0,
                },
                "virtual_sdcard": {"file_path": None, "progress": 0.0, "is_active": False, "file_position": 0},
                "pause_resume": {"is_paused": False},
                "idle_timeout": {"state": "Idle"},
            }
        )

    def _cmd_pause(self, params: dict[str, str], rest: str) -> None:
        if self.status["pause_resume"]["is_paused"]:
            self.respond_info("Print already paused")
            return
        changes: dict[str, dict[str, Any]] = {"pause_resume": {"is_paused": True}}
        if self.status["print_stats"]["state"] == "printing":
            self._stop_print_task()
            self.pause_started = time.monotonic()
            changes["print_stats"] = {"state": "paused"}
            changes["virtual_sdcard"] = {"is_active": False}
            changes["idle_timeout"] = {"state": "Ready"}
        self.update(changes)

    def _cmd_resume(self, params: dict[str, str], rest: str) -> None:
        if not self.status["pause_resume"]["is_paused"]:
            self.respond_info("Print is not paused, resume aborted")
            return
        changes: dict[str, dict[str, Any]] = {"pause_resume": {"is_paused": False}}
        if self.status["print_stats"]["state"] == "paused":
            if self.pause_started is not None:
                self.paused_total += time.monotonic() - self.pause_started
                self.pause_started = None
            changes["print_stats"] = {"state": "printing"}
            changes["virtual_sdcard"] = {"is_active": True}
            changes["idle_timeout"] = {"state": "Printing"}
            path = Path(self.status["virtual_sdcard"]["file_path"])
            self.print_task = asyncio.get_running_loop().create_task(
                self._print(path, self.status["virtual_sdcard"]["file_position"])
            )
        self.update(changes)

    def _cmd_clear_pause(self, params: dict[str, str], rest: str) -> None:
        self.update({"pause_resume": {"is_paused": False}})

    def _cmd_cancel_print(self, params: dict[str, str], rest: str) -> None:
        if self.status["print_stats"]["state"] in ("printing", "paused"):
            self._stop_print_task()
            self._end_print("cancelled")
        self.update({"pause_resume": {"is_paused": False}})

    def _stop_print_task(self) -> None:
        task, self.print_task = self.print_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def _end_print(self, state: str, message: str = "", ended: float | None = None) -> None:
        if self.print_started is None:
            return  # reset (a restart) meanwhile
        now = time.monotonic() if ended is None else ended
        if self.pause_started is not None:
            self.paused_total += now - self.pause_started
            self.pause_started = None
        self.print_ended = now
        # Frozen durations: later queries return the final values.
        final = self.get_status("print_stats")
        self.update(
            {
                "print_stats": {
                    "state": state,
                    "message": message,
                    "total_duration": final["total_duration"],
                    "print_duration": final["print_duration"],
                },
                "virtual_sdcard": {"is_active": False},
                "idle_timeout": {"state": "Ready"},
            }
        )

    async def _print(self, path: Path, position: int) -> None:
        """Run the file's lines from byte ``position`` on, ``lines_per_second`` of them a second."""
        try:
            with path.open("rb") as handle:
                handle.seek(position)
                size = self.status["virtual_sdcard"]["file_size"] or 1
                start = time.monotonic()
                count = 0
                while True:
                    raw = handle.readline()
                    if not raw:
                        break
                    count += 1
                    delay = start + count / self.lines_per_second - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    position += len(raw)
                    line = raw.decode("utf-8", "replace")
                    async with self.gcode_lock:
                        if self.print_task is not asyncio.current_task():
                            return  # cancelled, paused or reset while waiting for the lock
                        self.update(
                            {
                                "virtual_sdcard": {"file_position": position, "progress": round(position / size, 4)},
                                "display_status": {"progress": round(position / size, 4)},
                            }
                        )
                        try:
                            await self.run_line(line, from_file=True)
                        except GCodeError as exc:
                            self.print_task = None
                            self._end_print("error", str(exc))
                            return
                        if self.print_task is not asyncio.current_task():
                            return  # the line paused or cancelled the print
                async with self.gcode_lock:
                    if self.print_task is asyncio.current_task():
                        self.print_task = None
                        self._end_print("complete")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken file must not kill the simulation
            log.exception("print failed")
            self.print_task = None
            self._end_print("error", str(exc))

    def emergency_stop(self, message: str = "Shutdown due to webhooks request") -> None:
        self._stop_print_task()
        changes: dict[str, dict[str, Any]] = {
            "webhooks": {"state": "shutdown", "state_message": message},
            "extruder": {"target": 0.0},
            "heater_bed": {"target": 0.0},
        }
        self.update(changes)
        if self.status["print_stats"]["state"] in ("printing", "paused"):
            # Klipper's print loop notices the shutdown only after it propagated, so print_stats turns
            # to error in a later push than webhooks (Moonraker's history then says klippy_shutdown).
            ended = time.monotonic()
            asyncio.get_running_loop().call_later(PUSH_INTERVAL * 1.5, self._end_print, "error", message, ended)
        self.respond(f"!! {message}")


def _command_of(line: str) -> tuple[str, str]:
    """The upper-case command word and the rest of a G-code line, comments removed."""
    text = line.strip()
    if not text.upper().startswith(("M117", "M118", "RESPOND", "SET_DISPLAY_TEXT")):
        text = text.split(";", 1)[0].strip()
    if not text or text.startswith(";"):
        return "", ""
    match = re.match(r"(\S+)\s*(.*)", text, re.DOTALL)
    assert match is not None
    word = match.group(1).upper()
    # Classic commands carry their first parameter glued on ("G1X10"): split at the first letter after digits.
    classic = re.match(r"([GMT]\d+)(.*)", word)
    if classic and classic.group(2):
        return classic.group(1), (match.group(1)[len(classic.group(1)) :] + " " + match.group(2)).strip()
    return word, match.group(2)


def _params(rest: str) -> dict[str, str]:
    """Parameters of a command: ``KEY=value`` words (extended) or ``X10`` words (classic)."""
    params: dict[str, str] = {}
    try:
        words = shlex.split(rest)
    except ValueError:
        words = rest.split()
    for word in words:
        if "=" in word:
            key, value = word.split("=", 1)
            params[key.upper()] = value
        elif word and word[0].isalpha():
            params[word[0].upper()] = word[1:]
    return params


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise GCodeError(f"Unable to parse '{value}' as a float") from None


class Client:
    """One connection to the API socket (Moonraker, or a test's control connection)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.subscription: dict[str, list[str] | None] = {}
        self.template: dict[str, Any] = {}
        self.last: dict[str, dict[str, Any]] = {}
        self.output_templates: list[dict[str, Any]] = []
        self.closed = False

    def send(self, message: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            self.writer.write(json.dumps(message).encode() + b"\x03")
        except (ConnectionError, RuntimeError):
            self.closed = True

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            self.writer.close()


class StandinServer:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.socket_path = Path(args.socket)
        self.clients: set[Client] = set()
        self.changed = asyncio.Event()
        self.remote_methods: dict[str, Client] = {}
        self.printer = Printer(args, self)
        self._tasks: set[asyncio.Task] = set()
        self._ready_handle: asyncio.TimerHandle | None = None
        self._last_push = 0.0

    # --- lifecycle ---------------------------------------------------------------

    async def serve(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        server = await asyncio.start_unix_server(self._connected, path=str(self.socket_path), limit=2**22)
        log.info("listening on %s, state %s", self.socket_path, self.printer.state)
        if self.printer.state == "startup" and self.args.startup_seconds is not None:
            self._ready_later(self.args.startup_seconds)
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        self._spawn(self.printer.thermal_loop())
        self._spawn(self._push_loop())
        async with server:
            await stop
        log.info("stopping")
        for client in list(self.clients):
            client.close()
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _ready_later(self, seconds: float) -> None:
        if self._ready_handle is not None:
            self._ready_handle.cancel()
        self._ready_handle = asyncio.get_running_loop().call_later(
            seconds, lambda: self.printer.set_state("ready", "Printer is ready")
        )

    def schedule_restart(self) -> None:
        """RESTART / FIRMWARE_RESTART: after the reply, drop every connection and start up again."""
        asyncio.get_running_loop().call_soon(self._restart)

    def _restart(self) -> None:
        log.info("restarting")
        self.printer._stop_print_task()
        for client in list(self.clients):
            client.close()
        self.clients.clear()
        self.remote_methods.clear()
        self.printer.reset()
        self._ready_later(self.args.restart_seconds)

    # --- connections ---------------------------------------------------------

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = Client(reader, writer)
        self.clients.add(client)
        log.info("client connected (%d open)", len(self.clients))
        try:
            while not client.closed:
                try:
                    data = await reader.readuntil(b"\x03")
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                try:
                    request = json.loads(data[:-1])
                except ValueError:
                    log.warning("malformed request %r", data[:200])
                    continue
                # Each request runs on its own: a gcode/script that waits (M109) must not block the others.
                self._spawn(self._handle(client, request))
        finally:
            client.close()
            self.clients.discard(client)
            for name in [n for n, c in self.remote_methods.items() if c is client]:
                del self.remote_methods[name]
            log.info("client disconnected (%d open)", len(self.clients))

    async def _handle(self, client: Client, request: dict[str, Any]) -> None:
        request_id = request.get("id")
        method = request.get("method", "")
        params = request.get("params") or {}
        try:
            handler = getattr(self, "_ep_" + method.replace("/", "_"), None)
            if handler is None or not isinstance(params, dict):
                raise RequestError(f"No registered endpoint '{method}'")
            result = await handler(client, params)
            reply = {"id": request_id, "result": result if result is not None else {}}
        except (GCodeError, RequestError) as exc:
            reply = {"id": request_id, "error": {"error": "WebRequestError", "message": str(exc)}}
        except Exception as exc:
            log.exception("request %s failed", method)
            reply = {"id": request_id, "error": {"error": "WebRequestError", "message": f"Internal error: {exc}"}}
        if request_id is not None:
            client.send(reply)
            with contextlib.suppress(Exception):
                await client.writer.drain()

    # --- pushes --------------------------------------------------------------

    def gcode_output(self, text: str) -> None:
        for client in list(self.clients):
            for template in client.output_templates:
                client.send({**template, "params": {"response": text}})

    def _diff(self, client: Client) -> dict[str, dict[str, Any]]:
        """What changed since this client's last push (every field of an object it has not been pushed yet)."""
        status: dict[str, dict[str, Any]] = {}
        for name, fields in client.subscription.items():
            current = self.printer.get_status(name)
            wanted = list(current) if fields is None else fields
            last = client.last.setdefault(name, {})
            out = {}
            for field in wanted:
                value = current.get(field)
                if field not in last or last[field] != value:
                    out[field] = value
                    last[field] = value
            if out:
                status[name] = out
        return status

    async def _push_loop(self) -> None:
        """Push diffs to subscribers: at once after a change, but at most every PUSH_INTERVAL."""
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PUSH_INTERVAL):
                    await self.changed.wait()
            wait = self._last_push + PUSH_INTERVAL - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.changed.clear()
            now = time.monotonic()
            for client in list(self.clients):
                if not client.subscription or client.closed:
                    continue
                status = self._diff(client)
                if status:
                    client.send({**client.template, "params": {"eventtime": now, "status": status}})
                    # Only a push that went out starts the 250 ms: a change after a quiet spell goes at once.
                    self._last_push = now

    # --- endpoints -----------------------------------------------------------

    async def _ep_info(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        webhooks = self.printer.status["webhooks"]
        return {
            "state": webhooks["state"],
            "state_message": webhooks["state_message"],
            "hostname": socket.gethostname(),
            "klipper_path": self.args.klipper_path or str(Path(__file__).resolve().parent),
            "python_path": sys.executable,
            "process_id": os.getpid(),
            "user_id": os.getuid(),
            "group_id": os.getgid(),
            "log_file": self.args.log_file or "",
            "config_file": self.args.config_file or str(Path(self.args.gcodes).resolve().parent / "printer.cfg"),
            "software_version": SOFTWARE_VERSION,
            "cpu_info": f"{os.cpu_count()} core stand-in",
            "app": "Klipper",
        }

    async def _ep_list_endpoints(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        return {"endpoints": list(ENDPOINTS)}

    async def _ep_objects_list(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        return {"objects": self.printer.object_names()}

    def _objects_param(self, params: dict[str, Any]) -> dict[str, list[str] | None]:
        objects = params.get("objects")
        if not isinstance(objects, dict):
            raise RequestError("Invalid argument 'objects'")
        for name, fields in objects.items():
            if fields is not None and not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
                raise RequestError(f"Invalid argument for '{name}'")
        return objects

    async def _ep_objects_query(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        objects = self._objects_param(params)
        status = {}
        for name, fields in objects.items():
            current = self.printer.get_status(name)
            status[name] = current if fields is None else {field: current.get(field) for field in fields}
        return {"eventtime": time.monotonic(), "status": status}

    async def _ep_objects_subscribe(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        # One subscription per connection: a new request replaces the old one (Klipper does the same).
        objects = self._objects_param(params)
        client.subscription = dict(objects)
        client.template = params.get("response_template") or {}
        # The reply has the full values, but for fields pushed before, the next push still carries
        # whatever changed since the last push, as Klipper's diffs are against its last tick, not
        # against this reply. Moonraker relies on that: re-subscribing (it does for every component)
        # drops its own subscription while it waits, so a change made meanwhile reaches it only by
        # that next push. Fields new to the subscription start from the reply (Klipper would push
        # them once more, in full; Moonraker has them from the reply).
        client.last = {name: fields for name, fields in client.last.items() if name in objects}
        reply = await self._ep_objects_query(client, {"objects": objects})
        for name, fields in reply["status"].items():
            last = client.last.setdefault(name, {})
            for field, value in fields.items():
                last.setdefault(field, copy.deepcopy(value))
        return reply

    async def _ep_gcode_subscribe_output(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        client.output_templates.append(params.get("response_template") or {})
        return {}

    async def _ep_register_remote_method(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("remote_method")
        if not isinstance(name, str) or not name:
            raise RequestError("Invalid argument 'remote_method'")
        self.remote_methods[name] = client
        return {}

    async def _ep_gcode_script(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        script = params.get("script")
        if not isinstance(script, str):
            raise RequestError("Invalid argument 'script'")
        await self.printer.run_script(script)
        return {}

    async def _ep_gcode_help(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        return dict(GCODE_HELP)

    async def _ep_gcode_restart(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        self.schedule_restart()
        return {}

    _ep_gcode_firmware_restart = _ep_gcode_restart

    async def _ep_emergency_stop(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        self.printer.emergency_stop()
        return {}

    async def _ep_pause_resume_pause(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        await self.printer.run_script("PAUSE")
        return {}

    async def _ep_pause_resume_resume(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        await self.printer.run_script("RESUME")
        return {}

    async def _ep_pause_resume_cancel(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        await self.printer.run_script("CANCEL_PRINT")
        return {}

    # Test control (not in ENDPOINTS, so Moonraker never registers them)
    async def _ep_standin_set_state(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        state = params.get("state")
        if state not in ("startup", "ready", "shutdown", "error"):
            raise RequestError("Invalid argument 'state': startup, ready, shutdown or error")
        if self._ready_handle is not None:
            self._ready_handle.cancel()
            self._ready_handle = None
        default = {"ready": "Printer is ready", "startup": "Startup in progress"}.get(state, f"Printer {state}")
        self.printer.set_state(state, str(params.get("message") or default))
        return {}

    async def _ep_standin_set_status(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        status = params.get("status")
        if not isinstance(status, dict) or not all(isinstance(v, dict) for v in status.values()):
            raise RequestError("Invalid argument 'status': {object: {field: value}}")
        self.printer.update(status)
        return {}

    async def _ep_standin_clients(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "clients": [
                {
                    "objects": list(other.subscription),
                    "gcode_output": bool(other.output_templates),
                    "remote_methods": sorted(n for n, c in self.remote_methods.items() if c is other),
                }
                for other in self.clients
                if other is not client
            ]
        }

    async def _ep_standin_get_status(self, client: Client, params: dict[str, Any]) -> dict[str, Any]:
        return {name: self.printer.get_status(name) for name in self.printer.object_names()}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", required=True, help="path of the API unix socket (klippy's -a)")
    parser.add_argument("--gcodes", required=True, help="the gcodes folder (virtual_sdcard path)")
    parser.add_argument("--events", help="append a JSON line per status change to this file")
    parser.add_argument("--lines-per-second", type=float, default=50.0, help="pace of a print (default 50)")
    parser.add_argument("--start-state", choices=("ready", "startup"), default="ready")
    parser.add_argument(
        "--startup-seconds",
        type=float,
        default=None,
        help="with --start-state startup: become ready after this long (default: stay until standin/set_state)",
    )
    parser.add_argument("--restart-seconds", type=float, default=0.5, help="time in startup after a restart")
    parser.add_argument("--thermal-tau", type=float, default=1.5, help="heater time constant in seconds")
    parser.add_argument("--ambient", type=float, default=25.0, help="ambient temperature")
    parser.add_argument("--log-file", default="", help="reported as klippy's log_file")
    parser.add_argument("--config-file", default="", help="reported as klippy's config_file")
    parser.add_argument(
        "--klipper-path", default="", help="reported as klippy's klipper_path (Moonraker looks for config/ and docs/)"
    )
    args = parser.parse_args(argv)
    if args.lines_per_second <= 0:
        parser.error("--lines-per-second must be above 0")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s.%(msecs)03d %(levelname)s %(message)s", datefmt="%H:%M:%S"
    )
    asyncio.run(StandinServer(args).serve())


if __name__ == "__main__":
    main()
