"""./deploy.sh on a copy of the project, for the tests in this folder.

The copy uses the virtualenv the tests run in (KLIPPERIWC_VENV), so nothing is
downloaded, and runs in embedded mode (SQLite, filesystem broker) unless a test
gives it DATABASE_URL and REDIS_URL. It reads its own .env (ENV_FILE is unset
for it), never the checkout's.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.sync.client import connect

from conftest import PROJECT_ROOT

DEPLOY_TIMEOUT = 300
# Run-time state and tooling of the checkout, never copied.
SKIP_AT_TOP = {".venv", "data", "var", "logs", "staticfiles", ".git", ".env"}
SKIP_ANYWHERE = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def _ignore(directory: str, names: list[str]) -> list[str]:
    skip = SKIP_ANYWHERE | (SKIP_AT_TOP if Path(directory) == PROJECT_ROOT else set())
    return [name for name in names if name in skip]


@dataclass
class Deployment:
    directory: Path
    env: dict[str, str]
    port: int

    def run(self, *args: str, **overrides: str | None) -> subprocess.CompletedProcess:
        env = dict(self.env)
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return subprocess.run(
            ["./deploy.sh", *args],
            cwd=self.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=DEPLOY_TIMEOUT,
            check=False,
        )


def processes(directory: Path) -> dict[int, tuple[str, int]]:
    """{pid: (web, daphne, celery or bridge, parent pid)} of the live processes running from ``directory``.

    The copy shares its virtualenv with the test run (and with whoever else uses
    it), so a process belongs to the copy by its working directory, or by the
    copy's path on its command line.
    """
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = [word.decode(errors="replace") for word in (entry / "cmdline").read_bytes().split(b"\0") if word]
            cwd = os.readlink(entry / "cwd")
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue  # gone meanwhile, or not ours to inspect
        command = " ".join(words)
        if not words or state == "Z" or (cwd != str(directory) and str(directory) not in command):
            continue
        kinds = (("bridge", "run_bridge"), ("web", "klipperiwc_site.web"), ("daphne", "daphne"), ("celery", "celery"))
        kind = next((kind for kind, mark in kinds if mark in command), None)
        if kind:
            found[int(entry.name)] = (kind, int(parent))
    return found


def main_processes(directory: Path) -> dict[str, list[int]]:
    """Pids of the main processes: the web server's daphne processes, Celery's
    pool children and its embedded beat are children of a main process, and
    not counted."""
    found = processes(directory)
    mains: dict[str, list[int]] = {"web": [], "daphne": [], "celery": [], "bridge": []}
    for pid, (kind, parent) in found.items():
        if parent not in found:
            mains[kind].append(pid)
    return mains


def healthz(port: int) -> tuple[int, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        return response.status, json.loads(response.read())


def answers(port: int) -> bool:
    """/healthz on ``port`` answers 200."""
    try:
        return healthz(port)[0] == 200
    except OSError:
        return False


def running_from(directory: Path) -> list[str]:
    """ "PID: command line" of the live processes started from ``directory``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if state != "Z" and command and (cwd == str(directory) or str(directory) in command):
            found.append(f"{entry.name}: {command}")
    return found


def ping(port: int, query: str = "") -> dict:
    """Sends a ping over /ws/status; returns the first answer that is not a status or connection message."""
    with connect(f"ws://127.0.0.1:{port}/ws/status{query}", proxy=None, open_timeout=10) as websocket:
        websocket.send(json.dumps({"type": "ping"}))
        deadline = time.monotonic() + 10
        while True:
            # The stream starts with the newest status and the connection of each printer.
            message = json.loads(websocket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if message.get("type") not in ("status", "connection"):
                return message


def session_members(session: int) -> list[int]:
    """Live processes of ``session`` (a daemon that deploy.sh started leads its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)
    return result


def pid_files(directory: Path) -> list[Path]:
    logs = directory / "logs"
    return [
        path for path in (logs / "supervisord.pid", logs / "app.pid", logs / "celery.pid") if path.exists()
    ] + sorted(logs.glob("bridge-*.pid"))


def environment_of(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode(errors="replace").partition("=")[::2] for entry in entries if entry)


def query(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of ``sql`` on the copy's database: an SQLite file (sqlite:////abs/path) or PostgreSQL."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


DEMO_CONNECTION = (
    "SELECT c.state, c.bridge FROM printer_connections c JOIN status_printer p ON p.id = c.printer_id "
    "WHERE p.slug = 'demo'"
)
DEMO_HISTORY = (
    "SELECT count(*) FROM status_history h JOIN status_printer p ON p.id = h.printer_id WHERE p.slug = 'demo'"
)


def demo_followed_by(database_url: str) -> int | None:
    """The pid of the process whose bridge has the demo printer connected (its holder is host:pid:random)."""
    rows = query(database_url, DEMO_CONNECTION)
    if not rows or rows[0][0] != "connected":
        return None
    return int(rows[0][1].split(":")[-2])


def wait_for_history_growth(database_url: str, rows: int = 3, timeout: float = 30) -> None:
    """The demo printer's history gains ``rows`` snapshots while nobody asks the site for a status."""
    before = query(database_url, DEMO_HISTORY)[0][0]
    wait_until(
        lambda: query(database_url, DEMO_HISTORY)[0][0] >= before + rows,
        timeout=timeout,
        what=f"{rows} more status_history rows of the demo printer",
    )


@pytest.fixture
def deployment(tmp_path, project_env, free_port):
    directory = (tmp_path / "klipperiwc").resolve()
    shutil.copytree(PROJECT_ROOT, directory, ignore=_ignore, symlinks=True)
    env = project_env(
        KLIPPERIWC_VENV=sys.prefix,
        HOST="127.0.0.1",
        PORT=str(free_port),
        APP_ENV=None,
        LOG_FILE=None,
        ENV_FILE=None,
    )
    deployed = Deployment(directory=directory, env=env, port=free_port)
    yield deployed
    # Whatever happened above, leave no daemon behind.
    with suppress(subprocess.SubprocessError, OSError):
        subprocess.run(["./deploy.sh", "stop"], cwd=directory, env=env, capture_output=True, timeout=60, check=False)
    # supervisord first (it is no daemon kind of processes()): it would start the daemons again.
    with suppress(OSError, ValueError):
        supervisord = int((directory / "logs" / "supervisord.pid").read_text())
        if str(directory) in Path(f"/proc/{supervisord}/cmdline").read_bytes().decode(errors="replace"):
            os.kill(supervisord, signal.SIGKILL)
    for pid in processes(directory):
        with suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
