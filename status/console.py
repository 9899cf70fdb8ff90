"""A printer's latest G-code responses, kept by the bridge in the cache (Redis in scaled mode).

Moonraker keeps its own G-code store, but only while it runs; this copy is what
GET /api/printers/{slug}/console answers from, whoever follows the printer.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache

from klipperiwc_site.api import iso_utc

CONSOLE_LINES_KEPT = 500


def _key(printer_id: int) -> str:
    return f"printer:console:{printer_id}"


def console_append(*, printer_id: int, lines: list[tuple[datetime, str]]) -> None:
    """Add (time, line) entries, oldest first; only the newest CONSOLE_LINES_KEPT stay."""
    if not lines:
        return
    kept = cache.get(_key(printer_id)) or []
    kept.extend({"at": iso_utc(at), "line": line} for at, line in lines)
    cache.set(_key(printer_id), kept[-CONSOLE_LINES_KEPT:], timeout=None)


def console_latest(*, printer_id: int, limit: int) -> list[dict]:
    """The newest ``limit`` entries ({"at", "line"}), newest last."""
    kept = cache.get(_key(printer_id)) or []
    return kept[-limit:] if limit > 0 else []
