"""A printer definition as the repository keeps it: where its file goes and its exact text.

The shipped files (printers/definitions/<id>.json) are ``json.dumps(..., indent=2, ensure_ascii=False)``
plus a newline, with ``$schema`` first; a submission's download is made the same way, so it can be
committed as it is.

PostgreSQL's jsonb does not keep the order of an object's keys (it sorts them), so a definition read
back from the database is put into the order of the JSON Schema's ``properties`` first (the order the
shipped files follow): its file, its diff and the printer.cfg generated from it (sections follow the
order of the fans, say) are then the same in both database modes.
"""

from __future__ import annotations

import json
from functools import cache

from printers.definitions import schema_load

SCHEMA_REFERENCE = "../schema/printer-definition.v1.json"


def printer_file_path(definition: dict) -> str:
    """Relative to the repository's root."""
    return f"printers/definitions/{definition['id']}.json"


def printer_file_text(definition: dict) -> str:
    ordered = printer_in_schema_order(definition)
    rest = {key: value for key, value in ordered.items() if key != "$schema"}
    return json.dumps({"$schema": SCHEMA_REFERENCE, **rest}, indent=2, ensure_ascii=False) + "\n"


@cache
def _schema() -> dict:
    return schema_load()


def _resolved(schema: object, root: dict) -> dict:
    """``schema`` with its $ref followed (within the document), as a dict."""
    seen = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
        target: object = root
        for part in schema["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema, seen = target, seen + 1
        if seen > 32:  # a $ref cycle: stop following
            break
    return schema if isinstance(schema, dict) else {}


def _properties(schema: dict, root: dict) -> dict[str, object]:
    """The properties ``schema`` names, its own first, then those of its oneOf/anyOf branches."""
    found: dict[str, object] = dict(schema.get("properties") or {})
    for keyword in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(keyword) or []:
            for name, sub in _properties(_resolved(branch, root), root).items():
                found.setdefault(name, sub)
    return found


def _ordered(value: object, schema: dict, root: dict) -> object:
    if isinstance(value, dict):
        properties = _properties(schema, root)
        keys = [key for key in properties if key in value] + [key for key in value if key not in properties]
        other = schema.get("additionalProperties")
        return {
            key: _ordered(
                value[key], _resolved(properties.get(key, other if isinstance(other, dict) else {}), root), root
            )
            for key in keys
        }
    if isinstance(value, list):
        items = _resolved(schema.get("items", {}), root)
        return [_ordered(item, items, root) for item in value]
    return value


def printer_in_schema_order(definition: dict) -> dict:
    """The definition with every object's keys in the schema's order (keys it does not name after, as they are)."""
    root = _schema()
    ordered = _ordered(definition, root, root)
    assert isinstance(ordered, dict)
    return ordered
