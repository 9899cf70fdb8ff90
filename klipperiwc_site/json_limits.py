"""How deeply nested the JSON this site parses from clients may be.

Python's json module recurses once per array or object level, so 1,000
nested brackets (2 KB) end in RecursionError: a 500 from the API, close 1011
on the WebSocket. Every place that parses client JSON checks the depth first
with ``json_depth_check``, which scans the text without recursing, so
Python's recursion limit is never reached. Real documents (board
definitions, WebSocket messages) nest fewer than ten levels.
"""

import json
import math
import re
from itertools import accumulate

JSON_MAX_DEPTH = 64

# A JSON string: quote, then runs of plain characters or escapes, then its
# closing quote or, when it has none, the end of the text. Matching an
# unterminated string to the end is what keeps the scan linear: a pattern that
# fails there is tried again from every escaped quote inside it, and
# '"' + '\\"' * 50_000 (100 KB) took half a minute.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonTooDeep(ValueError):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"JSON nested more than {limit} levels deep; at most {limit} levels are accepted.")


def json_depth_check(text: str | bytes, *, limit: int = JSON_MAX_DEPTH) -> None:
    """Raise JsonTooDeep when arrays/objects in ``text`` nest deeper than ``limit``.

    Brackets inside strings do not count. Text that is not JSON at all is
    left for the parser to refuse.
    """
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", errors="replace")
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) <= limit:
        return  # cannot be deeper than the number of brackets
    if max(accumulate(_STEP[char] for char in brackets)) > limit:
        raise JsonTooDeep(limit)


def json_loads_limited(text: str | bytes, **kwargs):
    """json.loads, after json_depth_check (JsonTooDeep is a ValueError, as json's own errors are)."""
    json_depth_check(text)
    return json.loads(text, **kwargs)


class DepthLimitedJSONDecoder(json.JSONDecoder):
    """For Django's forms.JSONField(decoder=...): too deep is "not valid JSON", not a RecursionError."""

    def decode(self, s, *args, **kwargs):
        try:
            json_depth_check(s)
        except JsonTooDeep as exc:
            raise json.JSONDecodeError(str(exc), s, 0) from None
        return super().decode(s, *args, **kwargs)


def json_unstorable(value) -> str | None:
    """What in parsed JSON PostgreSQL's jsonb refuses (a DataError, a 500), or None.

    Python's json module reads NaN, Infinity and numbers too large for a float
    (1e400 is inf) and the escape \\u0000; jsonb stores none of them, while
    SQLite stores them all, so the same input must be refused before either.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "a NUL character (\\u0000) in a string"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "NaN, Infinity or a number too large for a float"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
