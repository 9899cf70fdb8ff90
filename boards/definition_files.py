"""A definition as the repository keeps it: where its file goes and its exact text.

The shipped files are ``json.dumps(..., indent=2, ensure_ascii=False)`` plus a newline, with
``$schema`` first, at ``boards/definitions/<manufacturer slug>/<id>.json``; an approved community
board's download is made the same way, so it can be committed as it is.
"""

from __future__ import annotations

import hashlib
import json

from django.utils.text import slugify

SCHEMA_REFERENCE = "../../schema/board-definition.v1.json"


def definition_file_path(definition: dict) -> str:
    """Relative to boards/definitions/: ``<manufacturer slug>/<id>.json``."""
    return f"{slugify(definition['manufacturer']) or 'other'}/{definition['id']}.json"


def definition_file_text(definition: dict) -> str:
    rest = {key: value for key, value in definition.items() if key != "$schema"}
    return json.dumps({"$schema": SCHEMA_REFERENCE, **rest}, indent=2, ensure_ascii=False) + "\n"


def definition_file_sha256(definition: dict) -> str:
    return hashlib.sha256(definition_file_text(definition).encode("utf-8")).hexdigest()
