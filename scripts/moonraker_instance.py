"""Real Moonraker (from PyPI, in ``.venv-moonraker``) against the stand-in klippy, for tests.

    from scripts.moonraker_instance import MoonrakerInstance

    with MoonrakerInstance(tmp_path, lines_per_second=50) as mr:   # started, klippy ready
        mr.put_gcode("cube.gcode", "G28\\nG1 X10 E1\\n")
        mr.result("POST", "/printer/print/start", filename="cube.gcode")
        mr.wait_print_state("complete")

Moonraker listens on 127.0.0.1 at a free port with API-key authorization (no trusted
clients: a request without the key is 401), history, job queue and data store; it never
goes to the internet (announcements in dev mode, no update manager). The stand-in klippy is
``scripts/standin_klippy.py``; both run in process groups of their own, log to files in the
instance's folder (``tail_logs()`` shows them) and are gone after ``stop()``.

The Moonraker executable: ``$KLIPPERIWC_MOONRAKER_BIN``, else ``.venv-moonraker/bin/moonraker``
(``./test.sh`` creates that environment from ``requirements-moonraker.txt``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STANDIN = PROJECT_ROOT / "scripts" / "standin_klippy.py"
MOONRAKER_BIN_ENV = "KLIPPERIWC_MOONRAKER_BIN"
DEFAULT_MOONRAKER_BIN = PROJECT_ROOT / ".venv-moonraker" / "bin" / "moonraker"
HOST = "127.0.0.1"
API_KEY_USER = "_API_KEY_USER_"

CONFIG = """\
[server]
host: {host}
port: {port}
klippy_uds_address: {klippy_socket}

[machine]
provider: none
validate_service: False
validate_config: False

[authorization]
# No trusted_clients: every request needs the API key (or a token).

[history]

[job_queue]

[data_store]

[file_manager]
enable_object_processing: False

[announcements]
subscriptions:
dev_mode: True
"""

# What the stand-in models, as a printer.cfg (Moonraker only lists it; the stand-in does not read it).
PRINTER_CFG = """\
[printer]
kinematics: cartesian

[virtual_sdcard]
path: {gcodes}

[pause_resume]

[display_status]

[extruder]

[heater_bed]

[temperature_sensor chamber]

[fan]
"""


class MoonrakerUnavailable(RuntimeError):
    """Moonraker cannot run here (no .venv-moonraker, a missing library such as libsodium)."""


class HarnessError(AssertionError):
    """Moonraker or the stand-in did not come up or did not do what was waited for (logs attached)."""


def moonraker_bin() -> Path:
    return Path(os.environ.get(MOONRAKER_BIN_ENV) or DEFAULT_MOONRAKER_BIN)


_availability: tuple[bool, str] | None = None


def moonraker_available() -> tuple[bool, str]:
    """(True, "") when the Moonraker executable exists and imports (with libsodium); else (False, why)."""
    global _availability  # checked once per process
    if _availability is not None:
        return _availability
    path = moonraker_bin()
    install_error = DEFAULT_MOONRAKER_BIN.parent.parent / ".install-error"
    if not os.environ.get(MOONRAKER_BIN_ENV) and install_error.exists():
        last = install_error.read_text(encoding="utf-8", errors="replace").strip().splitlines() or ["unknown error"]
        _availability = (False, f"./test.sh could not install requirements-moonraker.txt: {last[-1]}")
        return _availability
    if not (path.is_file() and os.access(path, os.X_OK)):
        how = f"set {MOONRAKER_BIN_ENV}" if os.environ.get(MOONRAKER_BIN_ENV) else "./test.sh creates it"
        _availability = (False, f"no Moonraker executable at {path} ({how} from requirements-moonraker.txt)")
        return _availability
    python = path.parent / "python"
    if python.exists():
        check = subprocess.run(  # noqa: S603 - our own command line
            [str(python), "-c", "import moonraker.server, libnacl.public"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check.returncode != 0:
            last = (check.stderr.strip().splitlines() or [f"exit status {check.returncode}"])[-1]
            _availability = (False, f"Moonraker at {path} does not import: {last}")
            return _availability
    _availability = (True, "")
    return _availability


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _kill_group(process: subprocess.Popen | None, sig: int = signal.SIGKILL, timeout: float = 10) -> None:
    """Signal the process's whole group (it started one), then reap the process."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    # Children that outlived the leader (Moonraker's metadata helpers) are still in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class MoonrakerInstance:
    """One Moonraker and one stand-in klippy, on loopback, in ``tmp_dir``."""

    def __init__(
        self,
        tmp_dir: Path | str,
        *,
        lines_per_second: float = 50.0,
        start_state: str = "ready",
        klippy_args: tuple[str, ...] = (),
        start_timeout: float = 30.0,
    ):
        self.root = Path(tmp_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.root / "printer_data"
        self.gcodes_dir = self.data_dir / "gcodes"
        self.config_path = self.data_dir / "config" / "moonraker.conf"
        self.events_path = self.root / "klippy-events.jsonl"
        self.moonraker_log = self.root / "moonraker.log"
        self.moonraker_output = self.root / "moonraker.out"
        self.klippy_log = self.root / "klippy.log"
        self.printer_cfg = self.data_dir / "config" / "printer.cfg"
        # Moonraker checks that klipper_path has config/ and docs/ (a warning otherwise).
        self.klipper_dir = self.root / "klipper"
        # Unix socket paths must stay under 108 bytes; a pytest tmp_path can be longer.
        self._socket_dir = Path(tempfile.mkdtemp(prefix="kiwc-mr-"))
        self.klippy_socket = self._socket_dir / "klippy.sock"
        self.moonraker_socket = self._socket_dir / "moonraker.sock"
        self.lines_per_second = lines_per_second
        self.start_state = start_state
        self.klippy_args = tuple(klippy_args)
        self.start_timeout = start_timeout
        self.host = HOST
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.ws_url = f"ws://{HOST}:{self.port}/websocket"
        self.api_key = ""
        self.startup_seconds: float | None = None  # how long the last start_moonraker() took until klippy ready
        self.moonraker: subprocess.Popen | None = None
        self.klippy: subprocess.Popen | None = None
        self._client = httpx.Client(timeout=10, trust_env=False)
        for folder in (self.gcodes_dir, self.config_path.parent, self.data_dir / "misc"):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in ("config", "docs"):
            (self.klipper_dir / folder).mkdir(parents=True, exist_ok=True)
        # Without a usb.ids file Moonraker's machine component downloads one from linux-usb.org.
        (self.data_dir / "misc" / "usb.ids").write_text("# empty: tests never fetch the real list\n")
        self.printer_cfg.write_text(PRINTER_CFG.format(gcodes=self.gcodes_dir), encoding="utf-8")
        self.config_path.write_text(
            CONFIG.format(host=HOST, port=self.port, klippy_socket=self.klippy_socket), encoding="utf-8"
        )

    # --- whole instance ----------------------------------------------------------

    def start(self) -> MoonrakerInstance:
        """Start the stand-in and Moonraker; return once Moonraker reports klippy ready (or startup, if asked)."""
        ok, reason = moonraker_available()
        if not ok:
            raise MoonrakerUnavailable(reason)
        try:
            self.start_klippy()
            self.start_moonraker(wait_klippy=self.start_state)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop both processes (and anything they started); nothing is left running."""
        self.kill_moonraker()
        self.kill_klippy()
        self._client.close()
        shutil.rmtree(self._socket_dir, ignore_errors=True)

    def __enter__(self) -> MoonrakerInstance:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the stand-in klippy -----------------------------------------------------

    def start_klippy(self, *, start_state: str | None = None) -> None:
        """Start the stand-in (if not running) and wait until its socket accepts connections."""
        if self.klippy is not None and self.klippy.poll() is None:
            return
        command = [
            sys.executable,
            str(STANDIN),
            *("--socket", str(self.klippy_socket)),
            *("--gcodes", str(self.gcodes_dir)),
            *("--events", str(self.events_path)),
            *("--lines-per-second", str(self.lines_per_second)),
            *("--start-state", start_state or self.start_state),
            *("--log-file", str(self.klippy_log)),
            *("--config-file", str(self.printer_cfg)),
            *("--klipper-path", str(self.klipper_dir)),
            *self.klippy_args,
        ]
        with contextlib.suppress(FileNotFoundError):
            self.klippy_socket.unlink()
        with open(self.klippy_log, "a", encoding="utf-8") as log:
            self.klippy = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

        def accepting() -> bool:
            if self.klippy.poll() is not None:
                raise HarnessError(f"the stand-in klippy exited ({self.klippy.returncode})\n{self.tail_logs()}")
            try:
                with socket.socket(socket.AF_UNIX) as sock:
                    sock.connect(str(self.klippy_socket))
                return True
            except OSError:
                return False

        self.wait_for(accepting, timeout=15, what="the stand-in klippy's socket")

    def kill_klippy(self) -> None:
        """SIGKILL the stand-in: Moonraker sees klippy disconnect (as when klippy crashes)."""
        _kill_group(self.klippy)
        self.klippy = None

    def restart_klippy(self, *, wait: bool = True) -> None:
        """Kill the stand-in and start a fresh one (fresh state); with ``wait``, until Moonraker reports ready."""
        self.kill_klippy()
        self.start_klippy()
        if wait and self.moonraker is not None:
            self.wait_klippy_state(self.start_state)

    def klippy_call(self, method: str, **params: Any) -> Any:
        """One request on the stand-in's own socket (e.g. ``standin/set_state``); returns the result."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(10)
            sock.connect(str(self.klippy_socket))
            sock.sendall(json.dumps({"id": 1, "method": method, "params": params}).encode() + b"\x03")
            data = b""
            while not data.endswith(b"\x03"):
                chunk = sock.recv(65536)
                if not chunk:
                    raise HarnessError(f"the stand-in closed the connection during {method}")
                data += chunk
        reply = json.loads(data[:-1])
        if "error" in reply:
            raise HarnessError(f"stand-in {method}: {reply['error']['message']}")
        return reply["result"]

    def klippy_status(self) -> dict[str, dict[str, Any]]:
        """The stand-in's whole model, straight from it (not through Moonraker)."""
        return self.klippy_call("standin/get_status")

    def events(self) -> list[dict[str, Any]]:
        """Every change the stand-in made so far: ``[{"t": unix_time, "change": {object: {field: value}}}]``."""
        if not self.events_path.exists():
            return []
        lines = self.events_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    # --- Moonraker -----------------------------------------------------------------

    def start_moonraker(self, *, wait_klippy: str | None = "ready") -> None:
        """Start Moonraker (if not running); wait until it answers and reports ``wait_klippy`` (None: just answers)."""
        if self.moonraker is not None and self.moonraker.poll() is None:
            return
        started = time.monotonic()
        env = {key: value for key, value in os.environ.items() if not key.startswith("MOONRAKER_")}
        command = [
            str(moonraker_bin()),
            *("-d", str(self.data_dir)),
            *("-c", str(self.config_path)),
            *("-l", str(self.moonraker_log)),
            *("-u", str(self.moonraker_socket)),
        ]
        with open(self.moonraker_output, "a", encoding="utf-8") as output:
            self.moonraker = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=self.root, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

        def answering() -> bool:
            self._check_moonraker_alive()
            try:
                response = self._client.get(f"{self.url}/server/info")
            except httpx.TransportError:
                return False
            return response.status_code in (200, 401)

        self.wait_for(answering, timeout=self.start_timeout, what="Moonraker to answer HTTP")
        if not self.api_key:
            self.api_key = self.wait_for(self._read_api_key, timeout=self.start_timeout, what="Moonraker's API key")
        if wait_klippy is not None:
            self.wait_klippy_state(wait_klippy)
        self.startup_seconds = time.monotonic() - started

    def kill_moonraker(self) -> None:
        """SIGKILL Moonraker (no shutdown: history keeps a job in progress as it was)."""
        _kill_group(self.moonraker)
        self.moonraker = None

    def stop_moonraker(self) -> None:
        """SIGTERM Moonraker and wait for it to exit (a clean shutdown)."""
        _kill_group(self.moonraker, signal.SIGTERM, timeout=15)
        self.moonraker = None

    def _check_moonraker_alive(self) -> None:
        if self.moonraker is None or self.moonraker.poll() is not None:
            code = None if self.moonraker is None else self.moonraker.returncode
            raise HarnessError(f"Moonraker is not running (exit status {code})\n{self.tail_logs()}")

    def _read_api_key(self) -> str | None:
        database = self.data_dir / "database" / "moonraker-sql.db"
        if not database.exists():
            return None
        try:
            with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as conn:
                query = "SELECT password FROM authorized_users WHERE username = ?"
                row = conn.execute(query, (API_KEY_USER,)).fetchone()
        except sqlite3.Error:
            return None  # not created yet
        return row[0] if row else None

    def server_info(self) -> dict[str, Any]:
        return self.result("GET", "/server/info")

    def wait_klippy_state(self, state: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait until Moonraker's /server/info says ``klippy_state`` == state; returns that info."""

        def reached() -> dict[str, Any] | None:
            self._check_moonraker_alive()
            try:
                info = self.server_info()
            except (httpx.TransportError, HarnessError):
                return None
            return info if info.get("klippy_state") == state else None

        return self.wait_for(reached, timeout=timeout or self.start_timeout, what=f"Moonraker to report klippy {state}")

    # --- HTTP API ------------------------------------------------------------------

    def http(
        self,
        method: str,
        path: str,
        *,
        api_key: str | None = None,
        timeout: float = 10,
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        **params: Any,
    ) -> httpx.Response:
        """A request to Moonraker with the API key (``api_key=""``: none; another string: that key).

        ``params`` go into the query string for GET and DELETE and into a JSON body otherwise
        (Moonraker takes both); ``files``/``data`` make a multipart upload instead.
        """
        key = self.api_key if api_key is None else api_key
        headers = {"X-Api-Key": key} if key else {}
        kwargs: dict[str, Any] = {"headers": headers, "timeout": timeout}
        if files is not None or data is not None:
            kwargs.update(files=files, data=data, params=params or None)
        elif method.upper() in ("GET", "DELETE"):
            kwargs["params"] = params or None
        elif params:
            kwargs["json"] = params
        return self._client.request(method.upper(), f"{self.url}{path}", **kwargs)

    def result(self, method: str, path: str, **params: Any) -> Any:
        """``http(...)``'s ``result``, or HarnessError naming the status and Moonraker's message."""
        response = self.http(method, path, **params)
        if response.status_code != 200:
            raise HarnessError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json()["result"]

    def query(self, *objects: str) -> dict[str, dict[str, Any]]:
        """Moonraker's /printer/objects/query for whole objects: {object: {field: value}}."""
        # Moonraker reads bare names (``?webhooks&print_stats``) as "every field".
        query = "&".join(urllib.parse.quote(name) for name in objects)
        response = self._client.get(f"{self.url}/printer/objects/query?{query}", headers={"X-Api-Key": self.api_key})
        if response.status_code != 200:
            raise HarnessError(f"objects/query -> {response.status_code}: {response.text[:500]}")
        return response.json()["result"]["status"]

    def put_gcode(self, name: str, text: str) -> Path:
        """Write a file into the gcodes folder (Moonraker notices it by inotify); returns its path."""
        path = self.gcodes_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def upload_gcode(self, name: str, text: str, *, print_it: bool = False) -> dict[str, Any]:
        """Upload through Moonraker's /server/files/upload (metadata parsed before it answers)."""
        form = {"root": "gcodes", **({"print": "true"} if print_it else {})}
        response = self.http("POST", "/server/files/upload", files={"file": (name, text.encode())}, data=form)
        if response.status_code not in (200, 201):
            raise HarnessError(f"upload {name} -> {response.status_code}: {response.text[:500]}")
        return response.json()

    def print_stats(self) -> dict[str, Any]:
        return self.query("print_stats")["print_stats"]

    def wait_print_state(self, state: str, timeout: float = 30) -> dict[str, Any]:
        """Wait until Moonraker's print_stats.state is ``state``; returns print_stats."""

        def reached() -> dict[str, Any] | None:
            stats = self.print_stats()
            return stats if stats.get("state") == state else None

        return self.wait_for(reached, timeout=timeout, what=f"print_stats.state {state}")

    def history(self, **params: Any) -> list[dict[str, Any]]:
        return self.result("GET", "/server/history/list", **params)["jobs"]

    def websocket(self, *, api_key: str | None = None, identify: bool = True) -> MoonrakerWebsocket:
        """A websocket to Moonraker's /websocket (X-Api-Key on the upgrade request; ``api_key=""``: none).

        With ``identify`` it first calls ``server.connection.identify`` as an agent.
        """
        key = self.api_key if api_key is None else api_key
        ws = MoonrakerWebsocket(self.ws_url, headers={"X-Api-Key": key} if key else {})
        if identify:
            ws.call("server.connection.identify", client_name="klipperiwc-tests", version="0", type="agent", url="-")
        return ws

    # --- waiting and logs --------------------------------------------------------

    def wait_for(self, condition: Callable[[], Any], *, timeout: float = 30, what: str = "a condition") -> Any:
        """Poll ``condition`` until it returns something truthy (returned); HarnessError with logs after ``timeout``."""
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise HarnessError(f"timed out after {timeout} s waiting for {what}\n{self.tail_logs()}")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    def tail_logs(self, lines: int = 60) -> str:
        """The last lines of Moonraker's log and output and of the stand-in's log."""
        parts = []
        # moonraker.out repeats the log; its last lines matter when Moonraker died before logging.
        for path, count in ((self.moonraker_log, lines), (self.moonraker_output, 10), (self.klippy_log, lines)):
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-count:]
                parts.append(f"--- {path.name} (last {len(text)} lines) ---\n" + "\n".join(text))
        return "\n".join(parts)


class MoonrakerWebsocket:
    """A JSON-RPC client on Moonraker's websocket; a thread collects notifications with their arrival time."""

    def __init__(self, url: str, *, headers: dict[str, str] | None = None):
        from websockets.sync.client import connect

        # Entered as a context manager (websockets deprecates connecting without one); close() exits it.
        self._stack = contextlib.ExitStack()
        self._ws = self._stack.enter_context(
            connect(url, additional_headers=headers or {}, open_timeout=10, max_size=2**24)
        )
        self._lock = threading.Condition()
        self._replies: dict[int, dict[str, Any]] = {}
        self._next_id = 0
        self.notifications: list[tuple[float, str, Any]] = []  # (time.time() on arrival, method, params)
        self.closed = False
        self.close_reason = ""
        self._reader = threading.Thread(target=self._read, name="moonraker-ws", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for raw in self._ws:
                arrived = time.time()
                message = json.loads(raw)
                with self._lock:
                    if "id" in message and "method" not in message:
                        self._replies[message["id"]] = message
                    elif "method" in message:
                        self.notifications.append((arrived, message["method"], message.get("params")))
                    self._lock.notify_all()
        except Exception as exc:  # closed: callers see self.closed
            self.close_reason = repr(exc)
        finally:
            with self._lock:
                self.closed = True
                self._lock.notify_all()

    def call_raw(self, method: str, timeout: float = 10, **params: Any) -> dict[str, Any]:
        """Send one request; return Moonraker's whole reply (``result`` or ``error``)."""
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
        self._ws.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": request_id}))
        deadline = time.monotonic() + timeout
        with self._lock:
            while request_id not in self._replies:
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise HarnessError(f"no reply to {method} within {timeout} s (closed: {self.closed})")
                self._lock.wait(left)
            return self._replies.pop(request_id)

    def call(self, method: str, timeout: float = 10, **params: Any) -> Any:
        """Send one request; its ``result``, or HarnessError with Moonraker's error."""
        reply = self.call_raw(method, timeout=timeout, **params)
        if "error" in reply:
            raise HarnessError(f"{method}: {reply['error']}")
        return reply["result"]

    def wait_notification(
        self, method: str, predicate: Callable[[Any], bool] | None = None, *, timeout: float = 10, since: int = 0
    ) -> tuple[float, Any]:
        """The first notification ``method`` from index ``since`` on whose params pass ``predicate``.

        Returns (arrival time.time(), params).
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            index = since
            while True:
                while index < len(self.notifications):
                    arrived, name, params = self.notifications[index]
                    index += 1
                    if name == method and (predicate is None or predicate(params)):
                        return arrived, params
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    seen = sorted({n for _, n, _ in self.notifications})
                    raise HarnessError(f"no {method} within {timeout} s (closed: {self.closed}; saw {seen})")
                self._lock.wait(left)

    def close(self) -> None:
        self._stack.close()
        self._reader.join(timeout=5)

    def __enter__(self) -> MoonrakerWebsocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
