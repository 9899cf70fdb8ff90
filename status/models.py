"""Printers and their status history.

The history tables keep the names of the original product description
(status_history, temperature_history, job_history). Temperature and job rows
belong to their status row; the database deletes them with it (ON DELETE
CASCADE, added by migration 0002 on SQLite and PostgreSQL alike), so a
retention prune is one DELETE on status_history.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import models

from accounts.models import Credential


class SourceKind(models.TextChoices):
    # Each kind is one module under status/sources/ registered in
    # status/sources/registry.py; the choices here keep the column's values.
    DEMO = "demo", "Demo (simulated printer)"
    MOONRAKER = "moonraker", "Moonraker (a Klipper printer)"


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
    moonraker_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="Moonraker's address, http(s)://host:port with an optional path prefix (printers of kind moonraker).",
    )
    # Write-only: never in an API answer, a log line or the admin's change form.
    api_key = models.CharField(max_length=200, blank=True, help_text="Moonraker API key (write-only).")
    tags = models.JSONField(default=list, blank=True, help_text="Short labels for grouping a farm.")
    # What the demo source was told to do (pause, resume, cancel, emergency
    # stop): written by the control service, read by the demo source.
    simulation = models.JSONField(default=dict, blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class ConnectionState(models.TextChoices):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    KLIPPY_NOT_READY = "klippy_not_ready"
    DISABLED = "disabled"


class PrinterConnection(models.Model):
    """How the bridge's link to a printer stands; written by the bridge when it changes."""

    printer = models.OneToOneField(Printer, on_delete=models.CASCADE, primary_key=True, related_name="connection")
    state = models.CharField(max_length=32, choices=ConnectionState.choices, default=ConnectionState.CONNECTING)
    message = models.CharField(max_length=500, blank=True)
    since = models.DateTimeField()
    bridge = models.CharField(max_length=200, blank=True, help_text="The bridge process following the printer.")

    class Meta:
        db_table = "printer_connections"

    def __str__(self) -> str:
        return f"{self.printer_id} {self.state}"


class BridgeProcess(models.Model):
    """A running bridge process; seen_at is its heartbeat."""

    holder = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        db_table = "bridge_processes"

    def __str__(self) -> str:
        return self.holder


class BridgeLease(models.Model):
    """Which bridge follows a printer, until expires_at (renewed while it lives)."""

    printer = models.OneToOneField(Printer, on_delete=models.CASCADE, primary_key=True, related_name="lease")
    holder = models.CharField(max_length=200)
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "printer_bridge_leases"
        indexes = [models.Index(fields=["holder"], name="bridge_lease_holder")]

    def __str__(self) -> str:
        return f"{self.printer_id} held by {self.holder} until {self.expires_at:%Y-%m-%dT%H:%M:%S%z}"


class PrintJobStatus(models.TextChoices):
    # Moonraker's history statuses.
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ERROR = "error"
    KLIPPY_SHUTDOWN = "klippy_shutdown"
    KLIPPY_DISCONNECT = "klippy_disconnect"
    INTERRUPTED = "interrupted"
    SERVER_EXIT = "server_exit"


class PrintJob(models.Model):
    """One job of a printer, once (Moonraker's history job, kept beyond the status history)."""

    printer = models.ForeignKey(Printer, on_delete=models.CASCADE, related_name="print_jobs", db_index=False)
    job_id = models.CharField(max_length=64, help_text="Moonraker's job id.")
    filename = models.CharField(max_length=1024)
    status = models.CharField(max_length=32, choices=PrintJobStatus.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    print_duration = models.FloatField(default=0.0, help_text="Seconds spent printing.")
    total_duration = models.FloatField(default=0.0, help_text="Seconds from start to end, pauses included.")
    filament_used = models.FloatField(default=0.0, help_text="mm")
    estimated_time = models.FloatField(null=True, blank=True, help_text="Slicer estimate, seconds.")
    filament_total = models.FloatField(null=True, blank=True, help_text="Slicer estimate, mm.")
    layer_height = models.FloatField(null=True, blank=True, help_text="mm")
    object_height = models.FloatField(null=True, blank=True, help_text="mm")
    metadata = models.JSONField(default=dict, blank=True, help_text="The rest of the slicer metadata Moonraker has.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "print_jobs"
        constraints = [models.UniqueConstraint(fields=["printer", "job_id"], name="print_job_unique")]
        indexes = [
            models.Index(fields=["printer", "-started_at"], name="print_job_printer_time"),
            models.Index(fields=["ended_at"], name="print_job_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"


class PrinterAction(models.Model):
    """The audit trail of control calls: every action, G-code, upload and print, with its outcome."""

    printer = models.ForeignKey(Printer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Kept apart from the foreign key: the trail outlives a deleted printer.
    printer_slug = models.CharField(max_length=64)
    action = models.CharField(max_length=32)
    arguments = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=16, help_text="ok, rejected, failed or timeout.")
    status_code = models.PositiveSmallIntegerField()
    detail = models.TextField(blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    # Who asked (accounts/actors.py): a user by a personal API key or signed in, or the
    # environment token (user empty).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credential = models.CharField(max_length=16, choices=Credential.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "printer_actions"
        indexes = [models.Index(fields=["printer_slug", "-created_at"], name="printer_action_printer_time")]

    def __str__(self) -> str:
        return f"{self.printer_slug} {self.action} {self.outcome} ({self.status_code})"


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
