"""The Moonraker source: follows one printer over Moonraker's websocket and pushes what changes."""

from __future__ import annotations

from urllib.parse import urlsplit

from status.sources.base import StatusSource


def moonraker_url_problem(url: str) -> str | None:
    """What is wrong with a Moonraker address (None: nothing)."""
    if not url:
        return "is required for a printer of kind moonraker, e.g. http://printer.local:7125"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"is not a valid address ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host name"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "must be http(s)://host:port with an optional path, without user, query or fragment"
    del port
    return None


class MoonrakerSource(StatusSource):
    kind = "moonraker"
    pushes = True

    def __init__(self, *, url: str, api_key: str, printer_slug: str = "") -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.printer_slug = printer_slug

    @classmethod
    def for_printer(cls, printer) -> MoonrakerSource:
        return cls(url=printer.moonraker_url, api_key=printer.api_key, printer_slug=printer.slug)

    @classmethod
    def config_problems(cls, *, moonraker_url: str, api_key: str, source_config) -> dict[str, str]:
        problem = moonraker_url_problem(moonraker_url)
        return {"moonraker_url": problem} if problem else {}

    async def follow(self, sink) -> None:
        raise NotImplementedError  # status/sources/moonraker/client.py (in progress)
