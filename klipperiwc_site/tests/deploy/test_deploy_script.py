"""./deploy.sh on a copy of the project: it deploys, deploys again without a
second copy, serves HTTP and WebSockets, stops; a bad setting starts nothing.

The copy uses the virtualenv the tests run in (KLIPPERIWC_VENV), so nothing is
downloaded, and runs in embedded mode (SQLite, filesystem broker).
"""

import json
import os
import shutil
import signal
import stat
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

pytestmark = pytest.mark.slow

DEPLOY_TIMEOUT = 300
# Run-time state and tooling of the checkout, never copied.
SKIP_AT_TOP = {".venv", "data", "var", "logs", "staticfiles", ".git"}
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


def _processes(directory: Path) -> dict[int, tuple[str, int]]:
    """{pid: (web, daphne or celery, parent pid)} of the live processes running from ``directory``.

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
        kinds = (("web", "klipperiwc_site.web"), ("daphne", "daphne"), ("celery", "celery"))
        kind = next((kind for kind, mark in kinds if mark in command), None)
        if kind:
            found[int(entry.name)] = (kind, int(parent))
    return found


def _main_processes(directory: Path) -> dict[str, list[int]]:
    """Pids of the main processes: the web server's daphne processes, Celery's
    pool children and its embedded beat are children of a main process, and
    not counted."""
    found = _processes(directory)
    mains: dict[str, list[int]] = {"web": [], "daphne": [], "celery": []}
    for pid, (kind, parent) in found.items():
        if parent not in found:
            mains[kind].append(pid)
    return mains


def _healthz(port: int) -> tuple[int, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        return response.status, json.loads(response.read())


def _ping(port: int) -> dict:
    """Sends a ping over /ws/status; returns the first answer that is not a status."""
    with connect(f"ws://127.0.0.1:{port}/ws/status", proxy=None, open_timeout=10) as websocket:
        websocket.send(json.dumps({"type": "ping"}))
        deadline = time.monotonic() + 10
        while True:
            # The stream starts with the newest status of each printer.
            message = json.loads(websocket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if message.get("type") != "status":
                return message


def _pid_files(directory: Path) -> list[Path]:
    return [path for path in (directory / "logs" / "app.pid", directory / "logs" / "celery.pid") if path.exists()]


@pytest.fixture
def deployment(tmp_path, project_env, free_port):
    directory = (tmp_path / "klipperiwc").resolve()
    shutil.copytree(PROJECT_ROOT, directory, ignore=_ignore, symlinks=True)
    env = project_env(KLIPPERIWC_VENV=sys.prefix, HOST="127.0.0.1", PORT=str(free_port), APP_ENV=None, LOG_FILE=None)
    deployed = Deployment(directory=directory, env=env, port=free_port)
    yield deployed
    # Whatever happened above, leave no daemon behind.
    with suppress(subprocess.SubprocessError, OSError):
        subprocess.run(["./deploy.sh", "stop"], cwd=directory, env=env, capture_output=True, timeout=60, check=False)
    for pid in _processes(directory):
        with suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def test_it_deploys_restarts_without_a_second_copy_and_stops(deployment):
    directory, port = deployment.directory, deployment.port

    first = deployment.run()
    assert first.returncode == 0, first.stdout + first.stderr
    assert _healthz(port) == (200, {"status": "ok", "database": "ok"})
    key_file = directory / "data" / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50
    assert not (directory / ".venv").exists(), "KLIPPERIWC_VENV was set; no .venv belongs in the copy"
    first_mains = _main_processes(directory)
    assert {kind: len(pids) for kind, pids in first_mains.items()} == {"web": 1, "daphne": 0, "celery": 1}, first_mains

    second = deployment.run()
    assert second.returncode == 0, second.stdout + second.stderr
    assert _healthz(port) == (200, {"status": "ok", "database": "ok"})
    second_mains = _main_processes(directory)
    counts = {kind: len(pids) for kind, pids in second_mains.items()}
    assert counts == {"web": 1, "daphne": 0, "celery": 1}, second_mains
    assert set(second_mains["web"]).isdisjoint(first_mains["web"])
    assert set(second_mains["celery"]).isdisjoint(first_mains["celery"])
    assert int((directory / "logs" / "app.pid").read_text()) == second_mains["web"][0]
    daphnes = [pid for pid, (kind, parent) in _processes(directory).items() if kind == "daphne"]
    assert [_processes(directory)[pid][1] for pid in daphnes] == second_mains["web"]  # WEB_PROCESSES=1
    assert int((directory / "logs" / "celery.pid").read_text()) == second_mains["celery"][0]

    assert _ping(port) == {"type": "pong"}

    status = deployment.run("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"web: running (pid {second_mains['web'][0]}, 1 daphne process(es))" in status.stdout

    stop = deployment.run("stop")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert _processes(directory) == {}
    assert _pid_files(directory) == []
    assert deployment.run("status").returncode == 3


def test_a_bad_log_level_fails_before_anything_starts(deployment):
    result = deployment.run(LOG_LEVEL="loud")

    assert result.returncode != 0
    lines = (result.stdout + result.stderr).splitlines()
    assert any(line.startswith("Configuration error: LOG_LEVEL=") for line in lines), lines
    assert _processes(deployment.directory) == {}
    assert _pid_files(deployment.directory) == []
