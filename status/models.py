"""Printers and their status history.

The history tables keep the names of the original product description
(status_history, temperature_history, job_history). Temperature and job rows
belong to their status row; the database deletes them with it (ON DELETE
CASCADE, added by migration 0002 on SQLite and PostgreSQL alike), so a
retention prune is one DELETE on status_history.
"""

from datetime import UTC, datetime

from django.db import models


class SourceKind(models.TextChoices):
    DEMO = "demo", "Demo (simulated printer)"


class PrinterState(models.TextChoices):
    IDLE = "idle"
    PRINTING = "printing"
    PAUSED = "paused"
    ERROR = "error"
    OFFLINE = "offline"


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Printer(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    source_kind = models.CharField(max_length=32, choices=SourceKind.choices, default=SourceKind.DEMO)
    source_config = models.JSONField(
        default=dict,
        blank=True,
        help_text='Settings for the source, as a JSON object. The demo source reads "seed" (a whole number, '
        "default 0), which picks its simulated jobs and temperatures. Empty means {}.",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class StatusSnapshot(models.Model):
    # db_index=False here and below: the composite indexes start with printer.
    printer = models.ForeignKey(Printer, on_delete=models.CASCADE, related_name="snapshots", db_index=False)
    recorded_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=PrinterState.choices)
    message = models.CharField(max_length=500, blank=True)
    uptime_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "status_history"
        indexes = [
            models.Index(fields=["printer", "-recorded_at"], name="status_hist_printer_time"),
            # The retention prune walks the table by time across printers.
            models.Index(fields=["recorded_at"], name="status_hist_time"),
        ]

    def __str__(self) -> str:
        return f"{self.printer_id} {self.state} at {self.recorded_at:%Y-%m-%dT%H:%M:%S%z}"


class TemperatureSample(models.Model):
    # DO_NOTHING: the database cascades (see module docstring); the ORM
    # would otherwise load every child row before deleting.
    snapshot = models.ForeignKey(StatusSnapshot, on_delete=models.DO_NOTHING, related_name="temperatures")
    # Denormalised from the snapshot so chart queries need no join.
    printer = models.ForeignKey(Printer, on_delete=models.CASCADE, related_name="+", db_index=False)
    recorded_at = models.DateTimeField()
    component = models.CharField(max_length=64)
    actual = models.FloatField()
    target = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "temperature_history"
        indexes = [
            models.Index(fields=["printer", "component", "recorded_at"], name="temp_hist_series"),
            models.Index(fields=["printer", "recorded_at"], name="temp_hist_printer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.actual}/{self.target} at {self.recorded_at:%Y-%m-%dT%H:%M:%S%z}"


class TemperatureRollup(models.Model):
    """Temperatures per printer, component and time slot, kept up to date as snapshots arrive.

    Each reading is folded into one slot per resolution (ROLLUP_RESOLUTIONS:
    a minute, ten minutes, an hour). A chart reads the coarsest resolution
    that fits its bucket width, so a month of 1 Hz data is a few thousand
    rows instead of millions.
    """

    printer = models.ForeignKey(Printer, on_delete=models.CASCADE, related_name="+", db_index=False)
    component = models.CharField(max_length=64)
    resolution = models.PositiveIntegerField(help_text="Slot length in seconds.")
    start = models.DateTimeField(help_text="Start of the slot (UTC, a multiple of the resolution since 1970).")
    samples = models.PositiveIntegerField()
    total = models.FloatField(help_text="Sum of the actual temperatures, for the average.")
    low = models.FloatField()
    high = models.FloatField()
    last_target = models.FloatField(null=True, blank=True)
    last_at = models.DateTimeField()

    class Meta:
        db_table = "temperature_history_rollup"
        constraints = [
            models.UniqueConstraint(fields=["printer", "resolution", "component", "start"], name="temp_rollup_unique"),
        ]
        indexes = [models.Index(fields=["start"], name="temp_rollup_time")]

    def __str__(self) -> str:
        return f"{self.component} {self.start:%Y-%m-%dT%H:%M%z} ({self.resolution} s): {self.samples} samples"


ROLLUP_RESOLUTIONS = (60, 600, 3600)


def rollup_start(moment: datetime, resolution: int) -> datetime:
    """Start of the ``resolution``-second slot holding ``moment`` (slots count from 1970-01-01 UTC)."""
    seconds = int(moment.timestamp()) // resolution * resolution
    return datetime.fromtimestamp(seconds, tz=UTC)


class JobSnapshot(models.Model):
    snapshot = models.ForeignKey(StatusSnapshot, on_delete=models.DO_NOTHING, related_name="jobs")
    printer = models.ForeignKey(Printer, on_delete=models.CASCADE, related_name="+", db_index=False)
    recorded_at = models.DateTimeField()
    job_id = models.CharField(max_length=128)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=JobStatus.choices)
    progress = models.FloatField()
    # 0 for the active job, 1.. for the queue in order.
    position = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(null=True, blank=True)
    estimated_completion = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "job_history"
        indexes = [
            models.Index(fields=["printer", "job_id", "-recorded_at"], name="job_hist_printer_job"),
            models.Index(fields=["printer", "recorded_at"], name="job_hist_printer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.status} {self.progress:.0%}"
