"""Which StatusSource serves a printer: one registration per source kind."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from status.models import Printer
    from status.sources.base import StatusSource

# kind -> "module:Class". Adding a kind: one module under status/sources/
# and one line here (and its value in status.models.SourceKind).
SOURCE_CLASSES = {
    "demo": "status.sources.demo:DemoSource",
    "moonraker": "status.sources.moonraker.source:MoonrakerSource",
}


class UnknownSourceKind(ValueError):
    pass


def source_class(kind: str) -> type[StatusSource]:
    try:
        module, name = SOURCE_CLASSES[kind].split(":")
    except KeyError:
        raise UnknownSourceKind(f"Unknown source kind {kind!r}; known: {', '.join(sorted(SOURCE_CLASSES))}.") from None
    return getattr(import_module(module), name)


def source_for(printer: Printer) -> StatusSource:
    return source_class(printer.source_kind).for_printer(printer)


def source_pushes(printer: Printer) -> bool:
    return source_class(printer.source_kind).pushes


def source_config_problems(*, kind: str, config, moonraker_url: str = "", api_key: str = "") -> list[str]:
    """What is wrong with ``config`` for a printer of ``kind`` (empty: nothing), as "field: problem" lines
    where the field is not source_config."""
    if not isinstance(config, dict):
        return ['must be a JSON object, e.g. {} or {"seed": 7}']
    problems = source_class(kind).config_problems(moonraker_url=moonraker_url, api_key=api_key, source_config=config)
    return list(problems.values())


def source_field_problems(*, kind: str, config, moonraker_url: str = "", api_key: str = "") -> dict[str, str]:
    """Field name -> problem, for forms and serializers that attach errors to fields."""
    if not isinstance(config, dict):
        return {"source_config": 'must be a JSON object, e.g. {} or {"seed": 7}'}
    return source_class(kind).config_problems(moonraker_url=moonraker_url, api_key=api_key, source_config=config)
