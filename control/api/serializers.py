"""Shapes of the printer-control API: what comes in (checked by control.validation), what goes out."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.api.serializers import StrictSerializer
from control.validation import (
    GCODE_PATH_PATTERN,
    PATH_MAX_CHARS,
    SCRIPT_MAX_CHARS,
    SCRIPT_PATTERN,
    gcode_path_problem,
    script_problem,
)


# The schema states the rules control.validation checks (with its own messages), so generated
# requests that fit the schema are ones the API takes.
@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": SCRIPT_MAX_CHARS,
        "pattern": SCRIPT_PATTERN,
        "example": "M117 Hello",
    }
)
class ScriptField(serializers.CharField):
    pass


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": PATH_MAX_CHARS,
        "pattern": GCODE_PATH_PATTERN,
        "example": "cube.gcode",
    }
)
class GcodePathField(serializers.CharField):
    pass


class GcodeSerializer(StrictSerializer):
    script = ScriptField(
        max_length=SCRIPT_MAX_CHARS,
        trim_whitespace=False,
        help_text="G-code to run, one command per line, e.g. M115 or G28.",
    )

    def validate_script(self, value: str) -> str:
        problem = script_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class PrintSerializer(StrictSerializer):
    filename = GcodePathField(
        max_length=PATH_MAX_CHARS,
        trim_whitespace=False,
        help_text="A G-code file in the printer's gcodes folder (as GET .../files names it), e.g. cube.gcode.",
    )

    def validate_filename(self, value: str) -> str:
        problem = gcode_path_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class TrueOrFalseField(serializers.BooleanField):
    """A boolean form field spelled true or false, as the schema says (DRF's also takes 1, yes, on ...)."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if data in ("true", "false"):
            return data == "true"
        self.fail("invalid")


class PrinterUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="A .gcode, .g or .gco file; its name is the name it gets on the printer.")
    print = TrueOrFalseField(required=False, default=False, help_text="true: start printing it once stored.")


class ActionResultSerializer(serializers.Serializer):
    printer = serializers.CharField(help_text="The printer's slug.")
    action = serializers.CharField(help_text="What was done: the action, gcode or print.")
    result = serializers.CharField(help_text='The printer\'s answer ("ok").')


class PrinterFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Path in the gcodes folder, e.g. cube.gcode or parts/clip.gcode.")
    size = serializers.IntegerField(min_value=0, help_text="Bytes.")
    modified = serializers.DateTimeField(allow_null=True, help_text="When the file last changed (UTC).")
    estimated_time = serializers.FloatField(
        allow_null=True, help_text="The slicer's estimate of the print time, in seconds (null: none in the file)."
    )


class UploadedFileSerializer(serializers.Serializer):
    printer = serializers.CharField(help_text="The printer's slug.")
    name = serializers.CharField(help_text="Path in the gcodes folder.")
    size = serializers.IntegerField(min_value=0, help_text="Bytes.")
    modified = serializers.DateTimeField(allow_null=True)
    print_started = serializers.BooleanField(help_text="Whether the printer started printing it.")


class ConsoleEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When the printer sent the line (UTC).")
    line = serializers.CharField(allow_blank=True, help_text="One G-code response, e.g. ok or // Klipper state: Ready.")
