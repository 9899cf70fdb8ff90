"""Which StatusSource serves a printer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from status.models import SourceKind

if TYPE_CHECKING:
    from status.models import Printer
    from status.sources.base import StatusSource


def source_for(printer: Printer) -> StatusSource:
    if printer.source_kind == SourceKind.DEMO:
        from status.sources.demo import DemoSource

        return DemoSource(seed=int(printer.source_config.get("seed", 0)), epoch=printer.created_at)
    raise ValueError(f"Printer {printer.slug!r} has the unknown source kind {printer.source_kind!r}.")


def source_config_problems(*, kind: str, config) -> list[str]:
    """What is wrong with ``config`` for a printer of ``kind`` (empty: nothing)."""
    if not isinstance(config, dict):
        return ['must be a JSON object, e.g. {} or {"seed": 7}']
    if kind == SourceKind.DEMO:
        seed = config.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            return [f'"seed" must be a whole number, not {seed!r}']
    return []
