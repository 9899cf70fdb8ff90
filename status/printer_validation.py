"""Validation of a printer's fields from the API and the admin: pure functions, errors by field.

Tags group a farm ("farm-a", "pla", "bay_3"): at most TAG_MAX_COUNT of them, each 1 to
TAG_MAX_LENGTH characters of lower-case letters, digits, "-" and "_", starting with a letter
or a digit. Repeats are dropped (the first one's place is kept), but count towards the limit.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from klipperiwc_site.json_limits import json_unstorable
from status.models import SourceKind
from status.sources.moonraker.source import moonraker_url_problem
from status.sources.registry import source_field_problems

TAG_MAX_COUNT = 20
TAG_MAX_LENGTH = 32
TAG_PATTERN = rf"^[a-z0-9][a-z0-9_-]{{0,{TAG_MAX_LENGTH - 1}}}$"
_TAG = re.compile(TAG_PATTERN.removesuffix("$") + r"\Z")
TAG_RULE = (
    f"at most {TAG_MAX_COUNT} tags, each 1 to {TAG_MAX_LENGTH} characters of a-z, 0-9, '-' and '_', "
    "starting with a letter or a digit"
)


def tags_problem(tags) -> str | None:
    """What is wrong with ``tags`` (None: nothing)."""
    if not isinstance(tags, list):
        return f"must be a list of strings ({TAG_RULE})"
    for tag in tags:
        if not isinstance(tag, str):
            return f"{tag!r} is not a string"
        if not _TAG.match(tag):
            return f"{tag[:40]!r} is not a tag: {TAG_RULE}"
    if len(tags) > TAG_MAX_COUNT:
        return f"{len(tags)} tags; {TAG_RULE}"
    return None


def tags_clean(tags: list[str]) -> list[str]:
    """The tags without repeats, in their order (call after tags_problem found nothing)."""
    return list(dict.fromkeys(tags))


# What an accepted moonraker_url looks like, for the OpenAPI schema (which also allows ""): every
# address the checks below accept matches it (it may match some they refuse, such as port 99999).
MOONRAKER_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@]+(/[^\s?#]*)?$"
_UNWANTED_IN_URL = re.compile(r"[\s?#@\x00-\x1f\x7f]")


def moonraker_url_extra_problem(url: str) -> str | None:
    """Refusals beyond moonraker_url_problem: characters an address of ours never holds.

    urlsplit drops tabs and line breaks and strips leading spaces, and takes an empty
    query ("http://h?"): all of them would pass, as something else than what was typed.
    """
    if _UNWANTED_IN_URL.search(url):
        return "must be http(s)://host:port with an optional path, without spaces, user, query or fragment"
    return None


def printer_problems(*, source_kind: str, moonraker_url: str, api_key: str, source_config, tags) -> dict[str, str]:
    """Field -> problem for a printer as it would be stored (empty: nothing is wrong)."""
    problems: dict[str, str] = {}
    if source_kind not in SourceKind.values:
        problems["source_kind"] = f"{source_kind!r} is not a source kind; known: {', '.join(SourceKind.values)}"
    else:
        problems.update(
            source_field_problems(kind=source_kind, config=source_config, moonraker_url=moonraker_url, api_key=api_key)
        )
    if moonraker_url and "moonraker_url" not in problems:
        # Checked for every kind: an address given is an address, whatever the kind.
        url_problem = moonraker_url_extra_problem(moonraker_url) or moonraker_url_problem(moonraker_url)
        if url_problem:
            problems["moonraker_url"] = url_problem
    if "source_config" not in problems:
        unstorable = json_unstorable(source_config)
        if unstorable:
            problems["source_config"] = f"holds {unstorable}, which the database cannot store"
    tag_problem = tags_problem(tags)
    if tag_problem:
        problems["tags"] = tag_problem
    return problems


def url_for_display(url: str) -> str:
    """``url`` without any user name or password (validation refuses them; old rows might hold some)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        if not (parts.username or parts.password):
            return url
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
