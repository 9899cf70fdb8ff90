"""A simulated printer for demos, development and tests.

Everything is a pure function of (seed, epoch, simulation, now): two
processes asked about the same moment answer the same, and tests can assert
exact values. One cycle lasts an hour:

    0:00  idle        heaters cooling down from the last job
    0:05  printing    heaters approach their targets; progress advances
    0:25  paused      progress stands still; heaters stay on
    0:28  printing
    0:48  idle        job completed (failed in an error cycle); heaters off
    0:55  error       in roughly one cycle of five (then idle again at 0:57)

A job has 80 to 400 layers of 0.2 mm (the layer follows progress); the part fan
runs while printing, the hotend fan while the hotend is above 50 °C, the
electronics fan while a job is on; the toolhead circles above the print,
parks while paused and after the job, and stays homed until 10 minutes
after it (Klipper's idle timeout) or an emergency stop.

``simulation`` (Printer.simulation, written by control/services.py through
``DemoSource.control``) is what the printer was told to do, as a JSON object:

    shifts     [[T, offset], ...]: from the simulated moment T on, the timeline
               runs ``offset`` seconds behind the clock (pauses taken; a resume
               during the cycle's own pause skips its rest: a negative shift)
    paused_at  seconds since the epoch when a pause began; the timeline stands
               still until resume
    halt       [from, until]: simulated moments with no printing (a cancelled
               or stopped job); until is the next cycle's start, or null while
               an emergency stop holds
    ended      {"cycle", "progress", "status"}: the job a halt ended, shown
               until the next one starts
    stopped    true after an emergency stop: state error "Emergency stop"
               until a firmware restart (or restart)

"Simulated moment" T counts seconds since the epoch on the shifted timeline.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from status.models import JobStatus, PrinterState
from status.sources.base import Fan, Job, PrinterStatus, StatusSource, TemperatureReading, Toolhead

CYCLE_SECONDS = 3600
PRINT_START = 300
PAUSE_START = 1500
PAUSE_END = 1680
PRINT_END = 2880
ERROR_START = 3300
ERROR_END = 3420
PRINT_SECONDS = (PAUSE_START - PRINT_START) + (PRINT_END - PAUSE_END)
AMBIENT = 22.0

JOB_NAMES = (
    "voron_cube.gcode",
    "benchy.gcode",
    "toolhead_mount.gcode",
    "calibration_tower.gcode",
    "cable_chain_link.gcode",
    "spool_holder.gcode",
    "fan_duct.gcode",
)

# component: (target while printing, heating time constant s, cooling time constant s, noise °C)
HEATERS = {
    "extruder": (215.0, 40.0, 200.0, 0.3),
    "heater_bed": (60.0, 120.0, 600.0, 0.2),
}
CHAMBER_NOISE = 0.1
LAYER_HEIGHT = 0.2
# Klipper's heater_fan default: on while the hotend is above 50 °C.
HOTEND_FAN_ON_ABOVE = 50.0
# Motors stay homed this long after a print (Klipper's idle_timeout, 10 minutes).
IDLE_TIMEOUT_SECONDS = 600
BED_CENTRE = 110.0

# What DemoSource.control takes (the names of the control API).
DEMO_ACTIONS = ("pause", "resume", "cancel", "emergency-stop", "firmware-restart", "restart")
STOP_MESSAGE = "Emergency stop"
# Time shifts kept: enough for the current and the previous cycle's jobs; the newest holds the offset.
SHIFTS_KEPT = 50


class DemoActionRefused(Exception):
    """The simulated printer refuses, as Klipper would (\"Printer is not printing\")."""


def _number(value, default=None):
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


@dataclass(frozen=True)
class Simulation:
    """Printer.simulation, read (leniently: anything malformed is left out) and written back."""

    shifts: tuple[tuple[float, float], ...] = ()
    paused_at: float | None = None
    halt: tuple[float, float | None] | None = None
    ended: tuple[int, float, str] | None = None
    stopped: bool = False

    @classmethod
    def from_json(cls, data) -> Simulation:
        if not isinstance(data, dict):
            return cls()
        shifts = []
        for item in data.get("shifts") or ():
            if isinstance(item, list | tuple) and len(item) == 2:
                moment, offset = _number(item[0]), _number(item[1])
                if moment is not None and offset is not None:
                    shifts.append((moment, offset))
        halt = data.get("halt")
        if isinstance(halt, list | tuple) and len(halt) == 2 and _number(halt[0]) is not None:
            halt = (_number(halt[0]), _number(halt[1]))
        else:
            halt = None
        ended = data.get("ended")
        progress = _number(ended.get("progress")) if isinstance(ended, dict) else None
        if isinstance(ended, dict) and isinstance(ended.get("cycle"), int) and progress is not None:
            ended = (ended["cycle"], progress, str(ended.get("status", JobStatus.CANCELLED)))
        else:
            ended = None
        return cls(tuple(shifts), _number(data.get("paused_at")), halt, ended, data.get("stopped") is True)

    def to_json(self) -> dict:
        data: dict = {}
        if self.shifts:
            data["shifts"] = [list(shift) for shift in self.shifts]
        if self.paused_at is not None:
            data["paused_at"] = self.paused_at
        if self.halt is not None:
            data["halt"] = list(self.halt)
        if self.ended is not None:
            cycle, progress, status = self.ended
            data["ended"] = {"cycle": cycle, "progress": progress, "status": status}
        if self.stopped:
            data["stopped"] = True
        return data

    @property
    def offset(self) -> float:
        return self.shifts[-1][1] if self.shifts else 0.0

    def offset_at(self, moment: float) -> float:
        """The offset the timeline ran with at simulated ``moment``."""
        offset = 0.0
        for since, value in self.shifts:
            if since >= moment:
                break
            offset = value
        return offset

    def halted(self, moment: float) -> bool:
        if self.halt is None:
            return False
        start, until = self.halt
        return start <= moment and (until is None or moment < until)


class DemoSource(StatusSource):
    kind = "demo"

    def __init__(self, *, seed: int = 0, epoch: datetime, simulation: dict | None = None) -> None:
        self.seed = seed
        self.epoch = epoch
        self.simulation = Simulation.from_json(simulation or {})

    @classmethod
    def for_printer(cls, printer) -> DemoSource:
        return cls(
            seed=int(printer.source_config.get("seed", 0)), epoch=printer.created_at, simulation=printer.simulation
        )

    @classmethod
    def config_problems(cls, *, moonraker_url: str, api_key: str, source_config) -> dict[str, str]:
        seed = source_config.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            return {"source_config": f'"seed" must be a whole number, not {seed!r}'}
        return {}

    # -- the cycle ------------------------------------------------------------
    def _rng(self, *parts: object) -> random.Random:
        # Simulation noise, not security: a seeded generator is the point.
        return random.Random(":".join(str(part) for part in (self.seed, *parts)))  # noqa: S311

    def _is_error_cycle(self, cycle: int) -> bool:
        return self._rng("error", cycle).random() < 0.2

    def _total_layers(self, cycle: int) -> int:
        return self._rng("layers", cycle).randrange(80, 400)

    def _job(self, cycle: int, *, status: str, progress: float, now: datetime | None = None) -> Job:
        name = JOB_NAMES[self._rng("job", cycle).randrange(len(JOB_NAMES))]
        start = cycle * CYCLE_SECONDS + PRINT_START
        started_at = self.epoch + timedelta(seconds=start + self.simulation.offset_at(start))
        if status == JobStatus.QUEUED:
            return Job(id=f"demo-{self.seed}-{cycle}", name=name, progress=0.0, status=status)
        estimated = elapsed = None
        if now is not None:
            estimated = now + timedelta(seconds=round((1.0 - progress) * PRINT_SECONDS))
            elapsed = round(max(0.0, (now - started_at).total_seconds()), 3)
        elif status in (JobStatus.COMPLETED, JobStatus.FAILED) and progress >= 0.97:
            elapsed = float(PRINT_END - PRINT_START)  # the cycle's own job ran to its end
        total = self._total_layers(cycle)
        return Job(
            id=f"demo-{self.seed}-{cycle}",
            name=name,
            progress=round(progress, 4),
            status=status,
            started_at=started_at,
            estimated_completion=estimated,
            current_layer=self._layer(progress, total),
            total_layers=total,
            elapsed_seconds=elapsed,
        )

    @staticmethod
    def _layer(progress: float, total: int) -> int:
        return min(total, max(1, math.ceil(progress * total)))

    def _queue(self, cycle: int) -> tuple[Job, ...]:
        waiting = self._rng("queue", cycle).randrange(4)
        return tuple(
            self._job(cycle + offset, status=JobStatus.QUEUED, progress=0.0) for offset in range(1, waiting + 1)
        )

    # -- temperatures -----------------------------------------------------------
    def _heating_span(self, moment: float) -> tuple[float, float]:
        """(start, end) of the last time the heaters were switched on at or before ``moment``; end may lie ahead.

        A print heats from its start to its end, unless a halt (cancel, emergency
        stop) cut it short or left it out.
        """
        cycle = int(moment // CYCLE_SECONDS)
        halt = self.simulation.halt
        start: float
        end: float
        for k in (cycle, cycle - 1):
            start, end = k * CYCLE_SECONDS + PRINT_START, k * CYCLE_SECONDS + PRINT_END
            if start > moment:
                continue
            if halt is not None and start < end and halt[0] < end and (halt[1] is None or halt[1] > start):
                if halt[0] <= start:
                    continue  # this cycle did not print at all
                end = halt[0]
            return start, end
        # A halt longer than a cycle: the heaters went off where it began.
        cut = halt[0] if halt is not None else moment
        start = (cut // CYCLE_SECONDS) * CYCLE_SECONDS + PRINT_START
        return min(start, cut), cut

    def _heater_actual(self, component: str, moment: float) -> float:
        target, tau_heat, tau_cool, _ = HEATERS[component]

        def heated(seconds: float) -> float:
            return AMBIENT + (target - AMBIENT) * (1.0 - math.exp(-seconds / tau_heat))

        start, end = self._heating_span(moment)
        if moment < end:
            return heated(moment - start)
        peak = heated(end - start)
        return AMBIENT + (peak - AMBIENT) * math.exp(-(moment - end) / tau_cool)

    def _noise(self, component: str, now: datetime, amplitude: float) -> float:
        second = int(now.timestamp())
        return self._rng("noise", component, second).uniform(-amplitude, amplitude)

    def _temperatures(self, moment: float, heating: bool, now: datetime) -> tuple[TemperatureReading, ...]:
        readings = []
        for component, (target, _, _, noise) in HEATERS.items():
            actual = self._heater_actual(component, moment) + self._noise(component, now, noise)
            readings.append(TemperatureReading(component, round(actual, 2), target if heating else 0.0, now))
        bed = self._heater_actual("heater_bed", moment)
        chamber = AMBIENT + 0.35 * (bed - AMBIENT) + self._noise("chamber", now, CHAMBER_NOISE)
        readings.append(TemperatureReading("chamber", round(chamber, 2), None, now))
        return tuple(readings)

    # -- fans and the toolhead ------------------------------------------------------
    def _fans(self, state: PrinterState, progress: float | None, hotend: float) -> tuple[Fan, ...]:
        # The part fan starts after the first layers, as slicers set it; off while paused.
        part = 1.0 if state == PrinterState.PRINTING and progress is not None and progress > 0.02 else 0.0
        return (
            Fan("fan", part),
            Fan("heater_fan hotend_fan", 1.0 if hotend > HOTEND_FAN_ON_ABOVE else 0.0),
            Fan("controller_fan electronics", 0.6 if progress is not None else 0.0),
        )

    def _toolhead(self, cycle: int, position: float, state: PrinterState, progress: float | None, now: datetime):
        since_print = position - PRINT_START
        homed = not self.simulation.stopped and 0 <= since_print < PRINT_END - PRINT_START + IDLE_TIMEOUT_SECONDS
        if not homed:
            return Toolhead(x=0.0, y=0.0, z=0.0, homed_axes="")
        total = self._total_layers(cycle)
        if progress is None:  # done: parked at the back, raised above the print
            return Toolhead(x=BED_CENTRE, y=200.0, z=round(total * LAYER_HEIGHT + 10.0, 3), homed_axes="xyz")
        z = round(self._layer(progress, total) * LAYER_HEIGHT, 3)
        if state == PrinterState.PAUSED:  # parked while paused, as PAUSE macros do
            return Toolhead(x=BED_CENTRE, y=200.0, z=round(z + 10.0, 3), homed_axes="xyz")
        angle = now.timestamp() % 60 / 60 * 2 * math.pi
        return Toolhead(
            x=round(BED_CENTRE + 40.0 * math.cos(angle), 3),
            y=round(BED_CENTRE + 40.0 * math.sin(angle), 3),
            z=z,
            homed_axes="xyz",
        )

    # -- the timeline ------------------------------------------------------------
    def _elapsed(self, now: datetime) -> float:
        return max(0.0, (now - self.epoch).total_seconds())

    def _moment(self, elapsed: float) -> float:
        """The simulated moment at ``elapsed`` seconds since the epoch (it stands still while paused)."""
        simulation = self.simulation
        if simulation.paused_at is not None:
            elapsed = min(elapsed, simulation.paused_at)
        return max(0.0, elapsed - simulation.offset)

    @staticmethod
    def _scheduled(position: float) -> tuple[PrinterState, float | None]:
        """The cycle's plan at ``position``: (state, progress of the job) while it prints, else (idle, None)."""
        if PRINT_START <= position < PAUSE_START:
            return PrinterState.PRINTING, (position - PRINT_START) / PRINT_SECONDS
        if PAUSE_START <= position < PAUSE_END:
            return PrinterState.PAUSED, (PAUSE_START - PRINT_START) / PRINT_SECONDS
        if PAUSE_END <= position < PRINT_END:
            return PrinterState.PRINTING, (PAUSE_START - PRINT_START + position - PAUSE_END) / PRINT_SECONDS
        return PrinterState.IDLE, None

    def _situation(self, moment: float) -> tuple[int, float, PrinterState, float | None]:
        """(cycle, position, state, progress of the active job or None) at simulated ``moment``."""
        simulation = self.simulation
        cycle, position = divmod(moment, CYCLE_SECONDS)
        cycle = int(cycle)
        state, progress = self._scheduled(position)
        if progress is not None and simulation.halted(moment):
            state, progress = PrinterState.IDLE, None
        if progress is not None and simulation.paused_at is not None:
            state = PrinterState.PAUSED
        if state == PrinterState.IDLE and ERROR_START <= position < ERROR_END and self._is_error_cycle(cycle):
            state = PrinterState.ERROR
        if simulation.stopped:
            state = PrinterState.ERROR
        return cycle, position, state, progress

    # -- the answer -------------------------------------------------------------
    def current_status(self, *, now: datetime) -> PrinterStatus:
        elapsed = self._elapsed(now)
        moment = self._moment(elapsed)
        cycle, position, state, progress = self._situation(moment)
        ended = self.simulation.ended
        active_job = None
        if progress is not None:
            job_status = JobStatus.RUNNING if state == PrinterState.PRINTING else JobStatus.PAUSED
            active_job = self._job(cycle, status=job_status, progress=progress, now=now)
        elif ended is not None and ended[0] == cycle:
            # A cancelled or stopped job stays visible until the next one starts.
            active_job = self._job(cycle, status=ended[2], progress=ended[1])
        elif position >= PRINT_END:
            # The finished job stays visible until the next one starts, so
            # history learns how it ended.
            failed = self._is_error_cycle(cycle)
            active_job = self._job(
                cycle, status=JobStatus.FAILED if failed else JobStatus.COMPLETED, progress=0.97 if failed else 1.0
            )
        messages = {
            PrinterState.PRINTING: f"Printing {active_job.name}" if active_job else "",
            PrinterState.PAUSED: "Paused by user",
            PrinterState.ERROR: STOP_MESSAGE if self.simulation.stopped else "MCU 'mcu' shutdown: Timer too close",
            PrinterState.IDLE: "Printer is ready",
        }
        # Jobs waiting for the next cycles; during a print the queue is what follows it.
        queue = self._queue(cycle)
        temperatures = self._temperatures(moment, progress is not None, now)
        return PrinterStatus(
            state=state.value,
            message=messages[state],
            uptime_seconds=int(elapsed),
            updated_at=now,
            active_job=active_job,
            queued_jobs=queue,
            temperatures=temperatures,
            fans=self._fans(state, progress, temperatures[0].actual),
            toolhead=self._toolhead(cycle, position, state, progress, now),
        )

    # -- being told what to do -------------------------------------------------------
    def control(self, action: str, *, now: datetime) -> dict:
        """The simulation after ``action`` (one of DEMO_ACTIONS) at ``now``, as Printer.simulation JSON.

        Raises DemoActionRefused where a real printer refuses too (pause while not printing).
        """
        if action not in DEMO_ACTIONS:
            raise ValueError(f"Unknown demo action {action!r}; known: {', '.join(DEMO_ACTIONS)}.")
        simulation = self.simulation
        elapsed = self._elapsed(now)
        moment = self._moment(elapsed)
        cycle, position, state, progress = self._situation(moment)
        printing = progress is not None
        if simulation.stopped and action in ("pause", "resume", "cancel"):
            raise DemoActionRefused(f"Printer is shut down ({STOP_MESSAGE}); a firmware restart clears it.")
        next_cycle = (cycle + 1) * CYCLE_SECONDS

        def shifted(offset: float) -> tuple[tuple[float, float], ...]:
            # Only the jobs of this and the previous cycle are shown: older entries matter no more,
            # but for the newest of them, which holds the offset those cycles start with.
            keep_from = (cycle - 1) * CYCLE_SECONDS
            older = [shift for shift in simulation.shifts if shift[0] < keep_from]
            shifts = older[-1:] + [shift for shift in simulation.shifts if shift[0] >= keep_from]
            return (*shifts[-(SHIFTS_KEPT - 1) :], (moment, offset))

        def unfrozen() -> Simulation:
            # A pause's time is taken: the timeline goes on from where it stood.
            if simulation.paused_at is None:
                return simulation
            offset = simulation.offset + max(0.0, elapsed - simulation.paused_at)
            return replace(simulation, shifts=shifted(offset), paused_at=None)

        def ended(status: str, *, until: float | None) -> Simulation:
            base = unfrozen()
            halt_from = moment
            if base.halt is not None and base.halted(moment):
                halt_from = base.halt[0]  # already halted: the heaters went off then
            job = (cycle, round(progress, 4), status) if progress is not None else base.ended  # printing
            return replace(base, halt=(halt_from, until), ended=job)

        if action == "pause":
            if state == PrinterState.PAUSED:
                raise DemoActionRefused("Printer is already paused")
            if state != PrinterState.PRINTING:
                raise DemoActionRefused("Printer is not printing")
            result = replace(simulation, paused_at=elapsed)
        elif action == "resume":
            if simulation.paused_at is not None and printing:
                result = unfrozen()
            elif state == PrinterState.PAUSED:
                # The cycle's own pause: skip the rest of it.
                result = replace(simulation, shifts=shifted(simulation.offset - (PAUSE_END - position)))
            else:
                raise DemoActionRefused("Printer is not paused")
        elif action == "cancel":
            if not printing:
                raise DemoActionRefused("Printer is not printing")
            result = ended(JobStatus.CANCELLED, until=next_cycle)
        elif action == "emergency-stop":
            result = replace(ended(JobStatus.FAILED, until=None), stopped=True)
        elif simulation.stopped:  # firmware-restart, restart: ready again, idle until the next cycle
            halt_from = simulation.halt[0] if simulation.halt else moment
            result = replace(simulation, stopped=False, halt=(halt_from, next_cycle))
        elif printing:  # a restart aborts the print, as Klipper's does
            result = ended(JobStatus.FAILED, until=next_cycle)
        else:
            result = simulation
        return result.to_json()
