"""Fixtures of the control tests: the control token, printers of both kinds and a fake Moonraker HTTP server.

The fake (``fake_moonraker``) is http.server in a thread on 127.0.0.1: each
route answers what a test tells it (a status and JSON, bytes that are not
JSON, or nothing until the test ends, for timeouts), and every request is
kept (method, path, query, headers, form fields and the uploaded file's
bytes, read piece by piece). Real Moonraker is in control/tests/moonraker/.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

CONTROL_TOKEN = "control-token-for-tests-0123456789"
CONTROL_HEADERS = {"HTTP_X_PRINTER_CONTROL_KEY": CONTROL_TOKEN}
API_KEY = "moonraker-api-key-for-tests-4f1c2d"


@pytest.fixture(autouse=True)
def control_token(settings):
    settings.PRINTER_CONTROL_TOKEN = CONTROL_TOKEN
    return CONTROL_TOKEN


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: Any = None
    body_bytes: int = 0
    body_sha256: str = ""
    body: bytes = b""  # kept only when small


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    hold: bool = False  # answer nothing until the test ends (the client times out)
    seconds: float = 0.0  # answer after this long (waits on the release event, so teardown is quick)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

    def log_message(self, format, *args):
        pass

    def _read_body(self, seen: Seen) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        digest = hashlib.sha256()
        kept = bytearray()
        remaining = length
        while remaining:
            # Small pieces, dropped as they come: a large upload never sits here whole.
            chunk = self.rfile.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)
            digest.update(chunk)
            if len(kept) < 1024 * 1024:
                kept.extend(chunk[: 1024 * 1024 - len(kept)])
        seen.body_bytes = length - remaining
        seen.body_sha256 = digest.hexdigest()
        seen.body = bytes(kept)
        if self.headers.get("Content-Type", "").startswith("application/json") and seen.body:
            seen.json = json.loads(seen.body)

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        seen = Seen(self.command, parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()})
        self._read_body(seen)
        fake = self.server.fake
        fake.requests.append(seen)
        answer = fake.routes.get((self.command, parts.path)) or fake.routes.get(("*", parts.path))
        if answer is None:
            answer = Answer(404, {"error": {"code": 404, "message": f"Not Found: {parts.path}"}})
        if callable(answer):
            answer = answer(seen)
        if answer.hold:
            fake.release.wait(30)
            return
        if answer.seconds:
            fake.release.wait(answer.seconds)
        body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _serve  # noqa: N815 -- http.server's names


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeMoonraker


@dataclass
class FakeMoonraker:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    routes: dict = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, method: str, path: str, answer: Answer | Any) -> None:
        self.routes[(method, path)] = answer

    def result(self, method: str, path: str, result: Any, status: int = 200) -> None:
        self.answer(method, path, Answer(status, {"result": result}))

    def error(self, method: str, path: str, status: int, message: str) -> None:
        self.answer(method, path, Answer(status, {"error": {"code": status, "message": message}}))

    def paths(self) -> list[tuple[str, str]]:
        return [(seen.method, seen.path) for seen in self.requests]


MOONRAKER_OK = [
    ("POST", "/printer/print/pause"),
    ("POST", "/printer/print/resume"),
    ("POST", "/printer/print/cancel"),
    ("POST", "/printer/emergency_stop"),
    ("POST", "/printer/firmware_restart"),
    ("POST", "/printer/restart"),
    ("POST", "/printer/gcode/script"),
    ("POST", "/printer/print/start"),
]


@pytest.fixture
def fake_moonraker():
    fake = FakeMoonraker()
    for method, path in MOONRAKER_OK:
        fake.result(method, path, "ok")
    fake.result("GET", "/server/files/list", [])
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def moonraker_row(db):
    """``make(url, state="connected", **fields)``: a printer of kind moonraker with its connection row."""
    from status.models import Printer, PrinterConnection

    def make(url: str, *, state: str | None = "connected", slug: str = "voron", message: str = "", **fields):
        fields.setdefault("api_key", API_KEY)
        printer = Printer.objects.create(
            slug=slug, name=slug.title(), source_kind="moonraker", moonraker_url=url, **fields
        )
        if state is not None:
            PrinterConnection.objects.create(printer=printer, state=state, message=message, since=timezone.now())
        return printer

    return make


@pytest.fixture
def control(client):
    """The control endpoints with the token: ``control.post(slug, "actions/pause", json=...)`` and ``.get``."""

    class Control:
        def post(self, slug: str, rest: str, json_body: Any = None, headers=CONTROL_HEADERS, **kwargs):
            if "data" in kwargs:  # multipart
                return client.post(f"/api/printers/{slug}/{rest}", **kwargs, **headers)
            return client.post(
                f"/api/printers/{slug}/{rest}",
                data=json.dumps(json_body) if json_body is not None else "",
                content_type="application/json",
                **headers,
            )

        def get(self, slug: str, rest: str, headers=CONTROL_HEADERS, **params):
            return client.get(f"/api/printers/{slug}/{rest}", params, **headers)

    return Control()


def audit_rows(**filters) -> list[dict]:
    from status.models import PrinterAction

    fields = ["printer_slug", "action", "arguments", "outcome", "status_code", "detail", "client_address"]
    return list(PrinterAction.objects.filter(**filters).order_by("pk").values(*fields))


@pytest.fixture(autouse=True)
def thumbnail_storage_dir(settings, tmp_path):
    """Every test stores printer thumbnails in a folder of its own (local storage)."""
    location = tmp_path / "printer-thumbnails"
    settings.STORAGES = {
        **settings.STORAGES,
        "printer_thumbnails": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def stored_thumbnails(location) -> list[str]:
    return sorted(str(p.relative_to(location)) for p in location.rglob("*") if p.is_file()) if location.exists() else []
