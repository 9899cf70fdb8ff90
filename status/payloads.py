"""The status shape clients see: the body of GET /api/status and the payload of /ws/status messages.

Built by hand because it is the hottest path of the service (every API call
and every broadcast); status.api.serializers.StatusSerializer documents the
same shape in the OpenAPI schema, and a test keeps the two equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klipperiwc_site.api import iso_utc

if TYPE_CHECKING:
    from datetime import datetime

    from status.models import Printer
    from status.sources import Job, PrinterStatus, TemperatureReading, Toolhead


def status_seq(updated_at: datetime) -> int:
    """The seq of a status: microseconds since 1970 of its time, increasing per printer in every process.

    Clients and consumers drop a status whose seq is not above the last one they had for the printer.
    """
    return int(updated_at.timestamp() * 1_000_000)


def status_payload(*, printer: Printer, status: PrinterStatus) -> dict:
    return {
        "printer": printer.slug,
        "state": status.state,
        "message": status.message,
        "uptime_seconds": status.uptime_seconds,
        "active_job": job_payload(status.active_job) if status.active_job else None,
        "queued_jobs": [job_payload(job) for job in status.queued_jobs],
        "temperatures": [temperature_payload(reading) for reading in status.temperatures],
        "fans": [{"name": fan.name, "speed": fan.speed} for fan in status.fans],
        "toolhead": toolhead_payload(status.toolhead) if status.toolhead else None,
        "updated_at": iso_utc(status.updated_at),
    }


def status_message(*, printer: Printer, status: PrinterStatus, seq: int | None = None) -> dict:
    """One /ws/status message."""
    return {
        "type": "status",
        "seq": status_seq(status.updated_at) if seq is None else seq,
        "printer": printer.slug,
        "payload": status_payload(printer=printer, status=status),
    }


def connection_message(*, printer: str, state: str, message: str, since: datetime) -> dict:
    """One /ws/status "connection" message: how the bridge's link to ``printer`` stands (as GET /api/printers/)."""
    return {
        "type": "connection",
        "printer": printer,
        "connection": {"state": state, "message": message, "since": iso_utc(since)},
    }


def job_payload(job: Job) -> dict:
    return {
        "id": job.id,
        "name": job.name,
        "progress": job.progress,
        "status": job.status,
        "started_at": iso_utc(job.started_at),
        "estimated_completion": iso_utc(job.estimated_completion),
        "current_layer": job.current_layer,
        "total_layers": job.total_layers,
        "elapsed_seconds": job.elapsed_seconds,
        "thumbnail_url": job.thumbnail_url,
    }


def toolhead_payload(toolhead: Toolhead) -> dict:
    return {"x": toolhead.x, "y": toolhead.y, "z": toolhead.z, "homed_axes": toolhead.homed_axes}


def temperature_payload(reading: TemperatureReading) -> dict:
    return {
        "component": reading.component,
        "actual": reading.actual,
        "target": reading.target,
        "timestamp": iso_utc(reading.timestamp),
    }
