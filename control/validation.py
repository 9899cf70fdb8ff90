"""Checks of what callers send the control API: pure functions, each returning a problem or None."""

from __future__ import annotations

import posixpath
import re
import unicodedata

# What Moonraker lists and Klipper prints as G-code (Moonraker's own gcodes extensions).
GCODE_EXTENSIONS = (".gcode", ".g", ".gco")

# The rule below as one regular expression, for the OpenAPI schema (ECMA and Python read it alike):
# folders and a file name, none empty or starting with a dot (no "..", no hidden files), no
# backslash or control character, ending in a G-code extension (any case).
_CONTROL = "\\x00-\\x1f\\x7f-\\x9f"  # unicodedata category Cc
_PART = f"[^./\\\\{_CONTROL}][^/\\\\{_CONTROL}]*"
_EXTENSION = r"\.(?:[gG][cC][oO][dD][eE]|[gG][cC][oO]|[gG])"
GCODE_NAME_PATTERN = f"^{_PART}{_EXTENSION}$"
GCODE_PATH_PATTERN = f"^(?:{_PART}/)*{_PART}{_EXTENSION}$"
# A script holds something besides whitespace (a JSON Schema pattern matches anywhere).
SCRIPT_PATTERN = r"\S"
# Moonraker's paths are relative to its gcodes folder; Linux file names are at most 255 bytes.
FILENAME_MAX_BYTES = 255
PATH_MAX_CHARS = 1024
SCRIPT_MAX_CHARS = 65_536


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def gcode_filename_problem(name: str, *, new: bool = True) -> str | None:
    """What is wrong with ``name`` as the name of a G-code file (no folders), or None.

    ``new``: a file to be made, whose name must fit the file system; an existing one's
    name is what it is (Moonraker answers for a file that is not there).
    """
    if not name or not name.strip():
        return "The file has no name; send it with a file name ending in .gcode, .g or .gco."
    if "/" in name or "\\" in name or name in (".", ".."):
        return f"{name!r} is not a plain file name."
    if name.startswith("."):
        return f"{name!r} starts with a dot; Moonraker hides such files."
    if _has_control_characters(name):
        return "The file name contains control characters."
    if new and len(name.encode("utf-8", "surrogatepass")) > FILENAME_MAX_BYTES:
        return f"The file name is longer than {FILENAME_MAX_BYTES} bytes."
    if not name.lower().endswith(GCODE_EXTENSIONS):
        return f"{name!r} is not a G-code file; only {', '.join(GCODE_EXTENSIONS)} files are taken."
    if not re.fullmatch(GCODE_NAME_PATTERN, name):
        return f"{name!r} is not a plain G-code file name."
    return None


def gcode_path_problem(path: str) -> str | None:
    """What is wrong with ``path`` as a G-code file in the gcodes folder (``dir/file.gcode`` allowed), or None."""
    if not path or not path.strip():
        return "Name the file to print, e.g. cube.gcode (GET .../files lists them)."
    if len(path) > PATH_MAX_CHARS:
        return f"The path is longer than {PATH_MAX_CHARS} characters."
    if path.startswith("/") or "\\" in path:
        return f"{path!r} must be relative to the gcodes folder, with / between folders."
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts) or posixpath.normpath(path) != path:
        return f"{path!r} is not a plain path inside the gcodes folder."
    if any(part.startswith(".") for part in parts[:-1]):
        return f"{path!r} is in a hidden folder; Moonraker hides those."
    return gcode_filename_problem(parts[-1], new=False)


def script_problem(script: str) -> str | None:
    """What is wrong with ``script`` as G-code to run, or None."""
    if not re.search(SCRIPT_PATTERN, script):
        return "The script is empty; send G-code such as M115."
    if len(script) > SCRIPT_MAX_CHARS:
        return f"The script is longer than {SCRIPT_MAX_CHARS} characters."
    return None
