"""The status-source interface.

A source answers "what is this printer doing now?" as a PrinterStatus. The
demo source computes it; a Moonraker source will keep a live connection and
answer from its latest state. Everything above this layer (history, API,
WebSocket) sees only these value objects.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Job:
    id: str
    name: str
    progress: float  # 0..1
    status: str  # status.models.JobStatus
    started_at: datetime | None = None
    estimated_completion: datetime | None = None


@dataclass(frozen=True)
class TemperatureReading:
    component: str
    actual: float
    target: float | None
    timestamp: datetime


@dataclass(frozen=True)
class PrinterStatus:
    state: str  # status.models.PrinterState
    message: str
    uptime_seconds: int
    updated_at: datetime
    active_job: Job | None = None
    queued_jobs: tuple[Job, ...] = field(default_factory=tuple)
    temperatures: tuple[TemperatureReading, ...] = field(default_factory=tuple)


class StatusSource(abc.ABC):
    """One printer's source of status."""

    @abc.abstractmethod
    def current_status(self, *, now: datetime) -> PrinterStatus:
        """The printer's status as of ``now`` (timezone-aware, UTC)."""
