"""A simulated printer for demos, development and tests.

Everything is a pure function of (seed, epoch, now): two processes asked
about the same moment answer the same, and tests can assert exact values.
One cycle lasts an hour:

    0:00  idle        heaters cooling down from the last job
    0:05  printing    heaters approach their targets; progress advances
    0:25  paused      progress stands still; heaters stay on
    0:28  printing
    0:48  idle        job completed (failed in an error cycle); heaters off
    0:55  error       in roughly one cycle of five (then idle again at 0:57)
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from status.models import JobStatus, PrinterState
from status.sources.base import Job, PrinterStatus, StatusSource, TemperatureReading

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


class DemoSource(StatusSource):
    kind = "demo"

    def __init__(self, *, seed: int = 0, epoch: datetime) -> None:
        self.seed = seed
        self.epoch = epoch

    @classmethod
    def for_printer(cls, printer) -> DemoSource:
        return cls(seed=int(printer.source_config.get("seed", 0)), epoch=printer.created_at)

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

    def _job(self, cycle: int, *, status: str, progress: float, now: datetime | None = None) -> Job:
        name = JOB_NAMES[self._rng("job", cycle).randrange(len(JOB_NAMES))]
        started_at = self.epoch + timedelta(seconds=cycle * CYCLE_SECONDS + PRINT_START)
        estimated = None
        if now is not None:
            estimated = now + timedelta(seconds=round((1.0 - progress) * PRINT_SECONDS))
        return Job(
            id=f"demo-{self.seed}-{cycle}",
            name=name,
            progress=round(progress, 4),
            status=status,
            started_at=started_at if status != JobStatus.QUEUED else None,
            estimated_completion=estimated,
        )

    def _queue(self, cycle: int) -> tuple[Job, ...]:
        waiting = self._rng("queue", cycle).randrange(4)
        return tuple(
            self._job(cycle + offset, status=JobStatus.QUEUED, progress=0.0) for offset in range(1, waiting + 1)
        )

    # -- temperatures -----------------------------------------------------------
    def _heater_actual(self, component: str, position: float) -> float:
        target, tau_heat, tau_cool, _ = HEATERS[component]

        def heated(seconds: float) -> float:
            return AMBIENT + (target - AMBIENT) * (1.0 - math.exp(-seconds / tau_heat))

        if PRINT_START <= position < PRINT_END:
            return heated(position - PRINT_START)
        cooling_for = position - PRINT_END if position >= PRINT_END else position + CYCLE_SECONDS - PRINT_END
        peak = heated(PRINT_END - PRINT_START)
        return AMBIENT + (peak - AMBIENT) * math.exp(-cooling_for / tau_cool)

    def _noise(self, component: str, now: datetime, amplitude: float) -> float:
        second = int(now.timestamp())
        return self._rng("noise", component, second).uniform(-amplitude, amplitude)

    def _temperatures(self, position: float, heating: bool, now: datetime) -> tuple[TemperatureReading, ...]:
        readings = []
        for component, (target, _, _, noise) in HEATERS.items():
            actual = self._heater_actual(component, position) + self._noise(component, now, noise)
            readings.append(TemperatureReading(component, round(actual, 2), target if heating else 0.0, now))
        bed = self._heater_actual("heater_bed", position)
        chamber = AMBIENT + 0.35 * (bed - AMBIENT) + self._noise("chamber", now, CHAMBER_NOISE)
        readings.append(TemperatureReading("chamber", round(chamber, 2), None, now))
        return tuple(readings)

    # -- the answer -------------------------------------------------------------
    def current_status(self, *, now: datetime) -> PrinterStatus:
        elapsed = max(0.0, (now - self.epoch).total_seconds())
        cycle, position = divmod(elapsed, CYCLE_SECONDS)
        cycle = int(cycle)
        active_job = None
        if PRINT_START <= position < PAUSE_START:
            state, progress = PrinterState.PRINTING, (position - PRINT_START) / PRINT_SECONDS
        elif PAUSE_START <= position < PAUSE_END:
            state, progress = PrinterState.PAUSED, (PAUSE_START - PRINT_START) / PRINT_SECONDS
        elif PAUSE_END <= position < PRINT_END:
            state = PrinterState.PRINTING
            progress = (PAUSE_START - PRINT_START + position - PAUSE_END) / PRINT_SECONDS
        elif ERROR_START <= position < ERROR_END and self._is_error_cycle(cycle):
            state, progress = PrinterState.ERROR, None
        else:
            state, progress = PrinterState.IDLE, None

        if progress is not None:
            job_status = JobStatus.RUNNING if state == PrinterState.PRINTING else JobStatus.PAUSED
            active_job = self._job(cycle, status=job_status, progress=progress, now=now)
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
            PrinterState.ERROR: "MCU 'mcu' shutdown: Timer too close",
            PrinterState.IDLE: "Printer is ready",
        }
        # Jobs waiting for the next cycles; during a print the queue is what follows it.
        queue = self._queue(cycle)
        return PrinterStatus(
            state=state.value,
            message=messages[state],
            uptime_seconds=int(elapsed),
            updated_at=now,
            active_job=active_job,
            queued_jobs=queue,
            temperatures=self._temperatures(position, PRINT_START <= position < PRINT_END, now),
        )
