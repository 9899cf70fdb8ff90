"""The status-source interface.

A source answers "what is this printer doing now?" as a PrinterStatus. The
demo source computes it (a pull source: the bridge samples it once a second,
and GET /api/status may compute it too); a Moonraker source keeps a live
connection and pushes what changes (a push source: every reader answers from
the latest status the bridge ingested). Everything above this layer (history,
API, WebSocket) sees only these value objects.

A new kind of source is one module holding a StatusSource subclass and one
line in status/sources/registry.py.
"""

from __future__ import annotations

import abc
import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from status.models import Printer


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    progress: float  # 0..1
    status: str  # status.models.JobStatus
    started_at: datetime | None = None
    estimated_completion: datetime | None = None
    current_layer: int | None = None  # None: unknown (the slicer did not say)
    total_layers: int | None = None
    elapsed_seconds: float | None = None  # since the start, pauses included
    thumbnail_url: str | None = None  # an image of the file on this server, or None


@dataclass(frozen=True)
class TemperatureReading:
    component: str
    actual: float
    target: float | None
    timestamp: datetime


@dataclass(frozen=True)
class Fan:
    name: str  # Klipper object name: fan, heater_fan hotend_fan, controller_fan ..., fan_generic ...
    speed: float  # 0..1


@dataclass(frozen=True)
class Toolhead:
    x: float
    y: float
    z: float
    homed_axes: str  # e.g. "xyz", "" when none is homed


@dataclass(frozen=True)
class PrinterStatus:
    state: str  # status.models.PrinterState
    message: str
    uptime_seconds: int
    updated_at: datetime
    active_job: Job | None = None
    queued_jobs: tuple[Job, ...] = field(default_factory=tuple)
    temperatures: tuple[TemperatureReading, ...] = field(default_factory=tuple)
    # Plain defaults (class attributes), so a status pickled before these fields existed
    # (the latest status in the cache) still reads.
    fans: tuple[Fan, ...] = ()
    toolhead: Toolhead | None = None


class SourceSink(Protocol):
    """What a following source reports to (the bridge implements it)."""

    async def status(self, status: PrinterStatus) -> None:
        """The printer's whole current status (sources merge their diffs before calling)."""

    async def connection(self, state: str, message: str = "") -> None:
        """status.models.ConnectionState and a human-readable reason."""

    async def jobs(self, jobs: list[dict]) -> None:
        """Moonraker history jobs (server.history job objects), to be kept once each."""

    async def job_sync_since(self) -> float | None:
        """Start time (Unix seconds) from which the source should re-read its job history, or None for all."""

    async def console(self, line: str, at: datetime) -> None:
        """One G-code response line."""


class StatusSource(abc.ABC):
    """One printer's source of status."""

    kind: ClassVar[str]
    # True: the source pushes (GET answers from the latest status and never asks the printer).
    pushes: ClassVar[bool] = False
    # The bridge samples a pull source this often while following it.
    sample_interval_seconds: ClassVar[float] = 1.0

    @classmethod
    @abc.abstractmethod
    def for_printer(cls, printer: Printer) -> StatusSource:
        """The source of ``printer``, configured from its fields."""

    @classmethod
    def config_problems(cls, *, moonraker_url: str, api_key: str, source_config) -> dict[str, str]:
        """Field name -> what is wrong with it for this kind (empty: nothing)."""
        return {}

    def current_status(self, *, now: datetime) -> PrinterStatus:
        """The printer's status as of ``now`` (timezone-aware, UTC). Pull sources only."""
        raise NotImplementedError(f"{type(self).__name__} pushes its status; read the latest one instead.")

    async def follow(self, sink: SourceSink) -> None:
        """Report to ``sink`` until cancelled. A pull source samples current_status."""
        await sink.connection("connected", "")
        while True:
            await sink.status(self.current_status(now=datetime.now(UTC)))
            await asyncio.sleep(self.sample_interval_seconds)
