"""Shapes of the status API and of /ws/status messages."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.api.serializers import StrictSerializer
from klipperiwc_site.api import UTCDateTimeField
from status.models import ConnectionState, JobStatus, Printer, PrinterState, PrintJob, PrintJobStatus, SourceKind
from status.payloads import job_payload, status_payload, temperature_payload
from status.printer_selectors import printer_connection
from status.printer_validation import (
    MOONRAKER_URL_PATTERN,
    TAG_MAX_COUNT,
    TAG_MAX_LENGTH,
    TAG_PATTERN,
    TAG_RULE,
    tags_clean,
    tags_problem,
    url_for_display,
)
from status.sources import PrinterStatus

__all__ = ["job_payload", "status_payload", "temperature_payload"]


class JobSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    progress = serializers.FloatField(min_value=0.0, max_value=1.0, help_text="0..1")
    status = serializers.ChoiceField(choices=JobStatus.choices)
    started_at = UTCDateTimeField(allow_null=True)
    estimated_completion = UTCDateTimeField(allow_null=True)
    current_layer = serializers.IntegerField(
        allow_null=True, min_value=0, help_text="The layer printing now; null when unknown (or not the active job)."
    )
    total_layers = serializers.IntegerField(
        allow_null=True, min_value=0, help_text="Layers of the file; null when unknown (or not the active job)."
    )
    elapsed_seconds = serializers.FloatField(
        allow_null=True, min_value=0, help_text="Seconds since the job started, pauses included; null when unknown."
    )
    thumbnail_url = serializers.CharField(
        allow_null=True,
        help_text="The file's thumbnail, an image on this server (GET /api/printers/{slug}/thumbnail?file=...); "
        "null when the file has none (and for the demo printer).",
    )


class FanSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="Klipper object name: fan (the part cooling fan), heater_fan NAME, controller_fan NAME, "
        "fan_generic NAME, temperature_fan NAME."
    )
    speed = serializers.FloatField(min_value=0.0, max_value=1.0, help_text="0..1")


class ToolheadSerializer(serializers.Serializer):
    x = serializers.FloatField(help_text="mm, in G-code coordinates (Klipper's gcode_move.gcode_position).")
    y = serializers.FloatField(help_text="mm")
    z = serializers.FloatField(help_text="mm")
    homed_axes = serializers.CharField(allow_blank=True, help_text='The homed axes, e.g. "xyz"; empty when none.')


class TemperatureSerializer(serializers.Serializer):
    component = serializers.CharField(
        help_text="Klipper object name of every heater and sensor, e.g. extruder, heater_bed, "
        "heater_generic NAME, temperature_sensor NAME, temperature_fan NAME (the demo: chamber)."
    )
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
    fans = FanSerializer(many=True)
    toolhead = ToolheadSerializer(allow_null=True, help_text="Null when the printer does not report it.")
    updated_at = UTCDateTimeField()


def status_payload_via_serializer(*, printer: Printer, status: PrinterStatus) -> dict:
    """The same payload through StatusSerializer (slow; for the test that keeps both equal)."""
    return StatusSerializer({"printer": printer.slug, **asdict(status)}).data


class StrictBooleanField(serializers.BooleanField):
    """true or false only: DRF's BooleanField also takes "yes", "on", 1 and "0", which the schema does not."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


@extend_schema_field(
    {
        "type": "array",
        "maxItems": TAG_MAX_COUNT,
        "items": {"type": "string", "minLength": 1, "maxLength": TAG_MAX_LENGTH, "pattern": TAG_PATTERN},
        "description": f"Labels for grouping a farm: {TAG_RULE}. Repeats are dropped.",
    }
)
class TagsField(serializers.Field):
    default_error_messages = {"invalid": "{problem}."}

    def to_internal_value(self, data):
        problem = tags_problem(data)
        if problem:
            self.fail("invalid", problem=problem)
        return tags_clean(data)

    def to_representation(self, value):
        return list(value)


class ConnectionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=ConnectionState.choices,
        help_text="How the bridge's link to the printer stands; connecting until the bridge reports.",
    )
    message = serializers.CharField(allow_blank=True, help_text="Why, in words (e.g. the error Moonraker gave).")
    since = UTCDateTimeField(help_text="Since when the link has been in this state.")
    bridge = serializers.CharField(
        allow_blank=True,
        help_text="The bridge process following the printer (its holder name in the lease table, as "
        "run_bridge --holder names it); empty while none does (disabled, or waiting for a bridge).",
    )


class PrinterSerializer(serializers.Serializer):
    """A printer as anyone may read it: never its api_key, only whether it has one."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    enabled = serializers.BooleanField()
    moonraker_url = serializers.SerializerMethodField(help_text="Moonraker's address (never with credentials).")
    has_api_key = serializers.SerializerMethodField(help_text="Whether an API key is stored (it is never shown).")
    tags = TagsField()
    source_config = serializers.DictField(help_text='Settings of the source (the demo reads "seed").')
    connection = serializers.SerializerMethodField()
    state = serializers.ChoiceField(
        choices=PrinterState.choices, allow_null=True, help_text="State of the newest stored snapshot."
    )
    state_at = UTCDateTimeField(allow_null=True, help_text="When that snapshot was taken.")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    def to_representation(self, instance):
        # A printer just created or changed has no annotations: its state is read here.
        if not hasattr(instance, "state"):
            instance.state, instance.state_at = printer_state(instance)
        return super().to_representation(instance)

    def get_moonraker_url(self, printer) -> str:
        return url_for_display(printer.moonraker_url)

    def get_has_api_key(self, printer) -> bool:
        return bool(printer.api_key)

    @extend_schema_field(ConnectionSerializer)
    def get_connection(self, printer) -> dict:
        # One serializer for every printer: a new one per printer deep-copied its fields each time
        # (a tenth of a printer list's time). Its fields only read.
        return _CONNECTION_SERIALIZER.to_representation(printer_connection(printer=printer))


_CONNECTION_SERIALIZER = ConnectionSerializer()


def printer_state(printer: Printer) -> tuple[str | None, object]:
    snapshot = printer.snapshots.order_by("-recorded_at", "-pk").values_list("state", "recorded_at").first()
    return snapshot if snapshot is not None else (None, None)


@extend_schema_field({"type": "string", "maxLength": 500, "pattern": MOONRAKER_URL_PATTERN})
class MoonrakerUrlField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"})
class NameField(serializers.CharField):
    """Surrounding spaces are trimmed; a name of spaces only is blank (the pattern asks for one other character)."""


class PrinterWriteSerializer(StrictSerializer):
    """The body of POST /api/printers/ and (every field optional) PATCH /api/printers/{slug}."""

    slug = serializers.SlugField(max_length=64, help_text="Letters, digits, - and _; the printer's id in URLs.")
    name = NameField(max_length=200)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    moonraker_url = MoonrakerUrlField(
        max_length=500,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="http(s)://host:port with an optional path prefix; required for kind moonraker.",
    )
    api_key = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        help_text="Moonraker's API key, write-only (never in an answer); an empty string removes it.",
    )
    tags = TagsField(required=False)
    enabled = StrictBooleanField(required=False, help_text="A disabled printer is not followed by the bridge.")
    source_config = serializers.DictField(required=False, help_text=Printer._meta.get_field("source_config").help_text)


class PrinterUpdateSerializer(PrinterWriteSerializer):
    """Every field optional: only those sent change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        for field in self.fields.values():
            field.required = False


class PrintJobSerializer(serializers.ModelSerializer):
    started_at = UTCDateTimeField()
    ended_at = UTCDateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=PrintJobStatus.choices)

    class Meta:
        model = PrintJob
        fields = [
            "job_id",
            "filename",
            "status",
            "started_at",
            "ended_at",
            "print_duration",
            "total_duration",
            "filament_used",
            "estimated_time",
            "filament_total",
            "layer_height",
            "object_height",
            "metadata",
        ]
        read_only_fields = fields  # an answer only: every field is always there
        extra_kwargs = {"job_id": {"help_text": "Moonraker's job id (unique per printer)."}}


class PrintJobTotalsSerializer(serializers.Serializer):
    printer = serializers.SlugField()
    jobs = serializers.IntegerField(min_value=0)
    counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text="Jobs per status, every status listed (0 for none)."
    )
    total_print_seconds = serializers.FloatField(min_value=0, help_text="Time spent printing, pauses excluded.")
    total_duration_seconds = serializers.FloatField(min_value=0, help_text="Start to end, pauses included.")
    total_filament_mm = serializers.FloatField(min_value=0, help_text="Filament used, mm.")
