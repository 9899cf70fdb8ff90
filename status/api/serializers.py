"""Shapes of the status API and of /ws/status messages."""

from dataclasses import asdict

from rest_framework import serializers

from klipperiwc_site.api import UTCDateTimeField
from status.models import JobStatus, Printer, PrinterState
from status.payloads import job_payload, status_payload, temperature_payload
from status.sources import PrinterStatus

__all__ = ["job_payload", "status_payload", "temperature_payload"]


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
