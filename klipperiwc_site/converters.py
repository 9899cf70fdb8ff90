"""Path converters that accept exactly what an id can be.

A URL part that matches the pattern but not the field (36 zeros for a UUID,
a NUL byte in a board id on PostgreSQL) used to reach the database and
answer 500. Here the URL resolver refuses it, so it is a 404 like any other
unknown path.
"""

import re
import uuid

from django.urls import register_converter


class AssetIdConverter:
    """A UUID in its 8-4-4-4-12 form, either case (Django's own <uuid:> takes lower case only)."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value) -> str:
        return str(value)


def _board_slug() -> tuple[str, int]:
    # The board schema is the one place that says what a board id is.
    from boards.validation import schema_load

    slug = schema_load()["$defs"]["slug"]
    return slug["pattern"].removeprefix("^").removesuffix("$"), slug["maxLength"]


class BoardIdConverter:
    """A board id as the definition schema allows it: a lower-case slug of at most maxLength characters."""

    regex, max_length = _board_slug()

    def to_python(self, value: str) -> str:
        if len(value) > self.max_length:
            raise ValueError("too long for a board id")  # the resolver treats this as "no match"
        return value

    def to_url(self, value: str) -> str:
        if not re.fullmatch(self.regex, value) or len(value) > self.max_length:
            raise ValueError(f"{value!r} is not a board id")
        return value


class PrinterSlugConverter:
    """A printer slug as status.models.Printer stores it (a Django slug of at most 64 characters)."""

    regex = "[-a-zA-Z0-9_]{1,64}"
    # For OpenApiParameter(... PATH): the same rule in the schema.
    schema = {"type": "string", "pattern": f"^{regex}$", "minLength": 1, "maxLength": 64}

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            raise ValueError(f"{value!r} is not a printer slug")
        return value


class RowIdConverter:
    """A positive row id (board submissions): digits without a leading zero, at most 18 of them."""

    regex = "[1-9][0-9]{0,17}"
    # For OpenApiParameter(... PATH): a string of digits, so that a pinned id in the schema check
    # (schemathesis.toml) is not mistaken for a value of the wrong type.
    schema = {"type": "string", "pattern": f"^{regex}$", "minLength": 1, "maxLength": 18}

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        text = str(value)
        if not re.fullmatch(self.regex, text):
            raise ValueError(f"{value!r} is not a row id")
        return text


register_converter(AssetIdConverter, "asset_id")
register_converter(RowIdConverter, "row_id")
register_converter(BoardIdConverter, "board_id")
register_converter(PrinterSlugConverter, "printer_slug")
