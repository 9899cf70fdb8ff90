"""Browser tests of stored board assets: the app in daphne, the stored files behind a plain web server, Chromium.

The web server stands for what BOARD_ASSET_LOCAL_PUBLIC_URL points at (nginx
serving BOARD_ASSET_LOCAL_PATH, say): it sends the stored bytes with a
Content-Type and no Content-Security-Policy. A second server on another port
plays the outside world and records every request that reaches it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assets.tests.abuse_corpus import MAX_BYTES

# Chromium through Playwright, launched the way the board designer's tests launch it.
from boards.tests.browser.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN, chromium_browser  # noqa: F401

# As a static file server's MIME table has them (nginx's mime.types, say).
CONTENT_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
}


@dataclass
class RecordingServer:
    """An HTTP server on 127.0.0.1 that answers GETs from ``pages`` or ``folder`` and records each path."""

    folder: Path | None = None
    pages: dict[str, bytes] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    url: str = ""
    received_one: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.received.append(self.path)
                server.received_one.set()
                path = self.path.split("?", 1)[0]
                body = server.pages.get(path)
                if body is None and server.folder is not None:
                    candidate = server.folder / Path(path).name  # one folder, no sub-paths
                    if candidate.is_file():
                        body = candidate.read_bytes()
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", CONTENT_TYPES.get(Path(path).suffix, "application/octet-stream"))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815 - a beacon or a form is a request too

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def outside_world():
    """Another origin (another port) that no stored file may make the browser contact."""
    server = RecordingServer(pages={"/import-url.css": b"rect { fill: red }"})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def public_file_server(tmp_path):
    """A plain web server for BOARD_ASSET_LOCAL_PATH, without the app's headers."""
    folder = tmp_path / "board-assets"
    folder.mkdir()
    server = RecordingServer(folder=folder)
    server.start()
    yield server
    server.stop()


@dataclass(frozen=True)
class AssetServer:
    url: str


@pytest.fixture
def asset_server(project_env, manage, start_daphne, tmp_path, public_file_server) -> AssetServer:
    """daphne serving the project; approved public files are linked to ``public_file_server``."""
    env = project_env(
        APP_ENV="development",
        SECRET_KEY="asset-browser-tests-secret-key-0123456789-abcdefghijklmnop",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        BOARD_ASSET_LOCAL_PATH=str(public_file_server.folder),
        BOARD_ASSET_LOCAL_PUBLIC_URL=public_file_server.url,
        BOARD_ASSET_MAX_BYTES=str(MAX_BYTES),
    )
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, f"manage.py migrate failed:\n{result.stdout}\n{result.stderr}"
    return AssetServer(url=start_daphne(env))
