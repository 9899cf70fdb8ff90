"""Shapes of the status API and of /ws/status messages."""

from dataclasses import asdict

from rest_framework import serializers

from klipperiwc_site.api import UTCDateTimeField, iso_utc
from status.models import JobStatus, Printer, PrinterState
from status.sources import Job, PrinterStatus, TemperatureReading


class JobSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    progress = serializers.FloatField(min_value=0.0, max_value=1.0, help_text="0..1")
    status = serializers.ChoiceField(choices=JobStatus.choices)
    started_at = UTCDateTimeField(allow_null=True)
    estimated_completion = UTCDateTimeField(allow_null=True)


class TemperatureSerializer(serializers.Serializer):
    component = serializers.CharField(help_text="Klipper object name, e.g. extruder, heater_bed, chamber.")
    actual = serializers.FloatField(help_text="°C")
    target = serializers.FloatField(allow_null=True, help_text="°C; null for a sensor without a heater.")
    timestamp = UTCDateTimeField()


class StatusSerializer(serializers.Serializer):
    printer = serializers.SlugField()
    state = serializers.ChoiceField(choices=PrinterState.choices)
    message = serializers.CharField(allow_blank=True)
    uptime_seconds = serializers.IntegerField(min_value=0)
    active_job = JobSerializer(allow_null=True)
    queued_jobs = JobSerializer(many=True)
    temperatures = TemperatureSerializer(many=True)
    updated_at = UTCDateTimeField()


def status_payload(*, printer: Printer, status: PrinterStatus) -> dict:
    """The JSON body of GET /api/status, also the payload of a /ws/status message.

    Built by hand because it is the hottest path of the service (every API call
    and every broadcast); StatusSerializer documents the same shape in the
    OpenAPI schema, and a test keeps the two equal.
    """
    return {
        "printer": printer.slug,
        "state": status.state,
        "message": status.message,
        "uptime_seconds": status.uptime_seconds,
        "active_job": job_payload(status.active_job) if status.active_job else None,
        "queued_jobs": [job_payload(job) for job in status.queued_jobs],
        "temperatures": [temperature_payload(reading) for reading in status.temperatures],
        "updated_at": iso_utc(status.updated_at),
    }


def job_payload(job: Job) -> dict:
    return {
        "id": job.id,
        "name": job.name,
        "progress": job.progress,
        "status": job.status,
        "started_at": iso_utc(job.started_at),
        "estimated_completion": iso_utc(job.estimated_completion),
    }


def temperature_payload(reading: TemperatureReading) -> dict:
    return {
        "component": reading.component,
        "actual": reading.actual,
        "target": reading.target,
        "timestamp": iso_utc(reading.timestamp),
    }


def status_payload_via_serializer(*, printer: Printer, status: PrinterStatus) -> dict:
    """The same payload through StatusSerializer (slow; for the test that keeps both equal)."""
    return StatusSerializer({"printer": printer.slug, **asdict(status)}).data


class PrinterSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    source_kind = serializers.CharField()
    enabled = serializers.BooleanField()
    state = serializers.ChoiceField(
        choices=PrinterState.choices, allow_null=True, help_text="State of the newest stored snapshot."
    )
    state_at = UTCDateTimeField(allow_null=True, help_text="When that snapshot was taken.")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
