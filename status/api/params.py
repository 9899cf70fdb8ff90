"""Query parameters of the status API, validated with errors that name the parameter."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError

from status.models import Printer
from status.selectors import printer_get

DEFAULT_PRINTER = "demo"


def printer_param(request) -> Printer:
    slug = request.query_params.get("printer", DEFAULT_PRINTER).strip() or DEFAULT_PRINTER
    printer = printer_get(slug=slug)
    if printer is None:
        raise NotFound(f"printer={slug!r} does not exist; GET /api/printers/ lists the printers.")
    return printer


def datetime_param(request, name: str, default: datetime | None = None) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = parse_datetime(raw.replace(" ", "+"))  # a literal "+" arrives as a space when not URL-encoded
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({name: [f"{raw!r} is not an ISO 8601 date-time, e.g. 2026-11-29T08:00:00+00:00."]})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    try:
        # In UTC from here on: the database, the buckets and the answer all use it, and a
        # moment such as 0001-01-01T00:00:00+14:00 has no UTC form (it is in year 0).
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError({name: [f"{raw!r} is outside {_RANGE} in UTC."]}) from None


_RANGE = f"{datetime.min.isoformat()}..{datetime.max.isoformat()}"


def time_range(request, *, default_span: timedelta | None = None) -> tuple[datetime | None, datetime | None]:
    values: dict[str, datetime | None] = {}
    errors: dict[str, Any] = {}
    for name in ("since", "until"):
        try:
            values[name] = datetime_param(request, name)
        except ValidationError as exc:
            errors.update(exc.detail if isinstance(exc.detail, dict) else {name: exc.detail})
    if errors:
        raise ValidationError(errors)  # both named when both are wrong
    since, until = values["since"], values["until"]
    if since is None and default_span is not None:
        try:
            since = (until or timezone.now()) - default_span
        except OverflowError:
            raise ValidationError(
                {"until": [f"until is too early for the default span ({default_span}) before it; give since as well."]}
            ) from None
    if since and until and since >= until:
        raise ValidationError({"since": ["since must be before until."]})
    return since, until


def int_param(request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"{raw!r} is not a whole number from {minimum} to {maximum}."]}) from None
    if not minimum <= value <= maximum:
        raise ValidationError({name: [f"{value} is outside {minimum}..{maximum}."]})
    return value
