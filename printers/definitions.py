"""The printer definitions shipped in the repository (printers/definitions/<id>.json), and their JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PRINTERS_DIR = Path(__file__).resolve().parent
DEFINITIONS_DIR = PRINTERS_DIR / "definitions"
SCHEMA_PATH = PRINTERS_DIR / "schema" / "printer-definition.v1.json"


def schema_load() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _shipped() -> dict[str, dict]:
    definitions = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        definitions[definition["id"]] = definition
    return definitions


def printer_definitions() -> list[dict]:
    return list(_shipped().values())


def printer_definition(printer_id: str) -> dict | None:
    return _shipped().get(printer_id)
