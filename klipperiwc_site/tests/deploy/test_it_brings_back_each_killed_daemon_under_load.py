"""supervisord brings back every daemon that dies: under load (the bridge storing
the demo printer's history, a client polling the API), `kill -9` of daphne, the
web server, the Celery worker (with its embedded beat) and, in scaled mode, a
bridge. Each is running again within 5 s, what the killed one left (daphne on
the port, Celery's beat) is ended so nothing runs twice, the site answers
again, history keeps growing, the SQLite file stays intact, and `deploy.sh
status` counts the restarts."""

import os
import re
import signal
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import (
    answers,
    demo_followed_by,
    processes,
    query,
    wait_for_history_growth,
    wait_until,
)

pytestmark = pytest.mark.slow

BACK_WITHIN_SECONDS = 5
# Serving again takes a fresh Django start-up on top (seconds on a busy machine).
SERVING_WITHIN_SECONDS = 60


class Load:
    """A client polling /api/status while the daemons are killed; counts its 200s."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.ok = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while not self.stopping.is_set():
            try:
                with opener.open(f"http://127.0.0.1:{self.port}/api/status", timeout=5) as response:
                    if response.status == 200:
                        self.ok += 1
            except OSError:
                self.stopping.wait(0.05)  # the web server is down for a moment

    def answered_since(self, count: int) -> bool:
        return self.ok > count

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


def _pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text())
    except (OSError, ValueError):
        return None


def _group(pgid: int, directory: Path) -> list[int]:
    """Live processes of process group ``pgid`` (supervisord runs each daemon as a group leader)."""
    found = []
    for pid in processes(directory):
        try:
            if os.getpgid(pid) == pgid:
                found.append(pid)
        except ProcessLookupError:
            continue
    return found


def _kill_and_wait_back(directory: Path, pidfile: Path, mark: str) -> tuple[int, float]:
    """kill -9 of the daemon in ``pidfile``; its replacement (``mark`` on its command line) and the seconds it took."""
    old = _pid(pidfile)
    assert old is not None, pidfile
    left = [pid for pid in _group(old, directory) if pid != old]
    os.kill(old, signal.SIGKILL)
    killed = time.monotonic()

    def replaced() -> int | None:
        new = _pid(pidfile)
        if new in (None, old) or new not in processes(directory) or _group(old, directory):
            return None
        return new if mark in Path(f"/proc/{new}/cmdline").read_bytes().decode(errors="replace") else None

    new = wait_until(replaced, timeout=BACK_WITHIN_SECONDS, what=f"{pidfile.name} to name a new {mark}")
    # What the killed daemon had started is gone: no second daphne on the port, no second beat.
    assert not set(left) & set(processes(directory)), left
    return new, time.monotonic() - killed


def _serving_again(port: int, load: Load) -> None:
    count = load.ok
    wait_until(lambda: answers(port), timeout=SERVING_WITHIN_SECONDS, what="/healthz to answer 200 again")
    wait_until(lambda: load.answered_since(count), timeout=SERVING_WITHIN_SECONDS, what="the client's next 200")


def _restarts(status: str, label: str) -> int:
    line = next((line for line in status.splitlines() if line.startswith(f"{label}: running (pid ")), None)
    assert line, status
    found = re.search(r", up [0-9:, a-z]+, (\d+) restarts?$", line)
    assert found, line
    return int(found[1])


def _kill_each_daemon(deployment, database: str, daemons: list[tuple[str, str, str]]) -> None:
    directory, port = deployment.directory, deployment.port
    logs = directory / "logs"
    load = Load(port)
    try:
        wait_until(lambda: load.ok > 0, what="the client's first 200")
        wait_for_history_growth(database, rows=1)
        # daphne itself: the web server (klipperiwc_site/web.py) replaces its child.
        web = _pid(logs / "app.pid")
        daphne = next(pid for pid, (kind, parent) in processes(directory).items() if kind == "daphne" and parent == web)
        os.kill(daphne, signal.SIGKILL)
        wait_until(
            lambda: any(
                kind == "daphne" and parent == web and pid != daphne
                for pid, (kind, parent) in processes(directory).items()
            ),
            timeout=BACK_WITHIN_SECONDS,
            what="a new daphne process",
        )
        _serving_again(port, load)
        wait_for_history_growth(database, rows=1, timeout=SERVING_WITHIN_SECONDS)

        for label, pidfile, mark in daemons:
            _, seconds = _kill_and_wait_back(directory, logs / pidfile, mark)
            assert seconds < BACK_WITHIN_SECONDS, (label, seconds)
            _serving_again(port, load)
            # The bridge (inside the web server, or a bridge process) follows the printer again.
            wait_until(
                lambda: demo_followed_by(database) in processes(directory),
                timeout=SERVING_WITHIN_SECONDS,
                what="a running process to follow the demo printer",
            )
            wait_for_history_growth(database, rows=1, timeout=SERVING_WITHIN_SECONDS)
    finally:
        load.stop()

    status = deployment.run("status")
    assert status.returncode == 0, status.stdout + status.stderr
    for label, _, _ in daemons:
        assert _restarts(status.stdout, label) == 1, status.stdout
    # The web server's pid file names the running web server, also after its restart.
    assert f"web: running (pid {_pid(logs / 'app.pid')}, 1 daphne process(es))" in status.stdout
    # Print jobs are recorded once each, also across the restarts.
    duplicates = "SELECT printer_id, job_id FROM print_jobs GROUP BY printer_id, job_id HAVING count(*) > 1"
    assert query(database, duplicates) == []


def test_every_daemon_comes_back_in_embedded_mode(deployment):
    database = f"sqlite:///{deployment.directory / 'data' / 'klipperiwc.sqlite3'}"
    result = deployment.run()
    assert result.returncode == 0, result.stdout + result.stderr

    _kill_each_daemon(
        deployment,
        database,
        [("web", "app.pid", "klipperiwc_site.web"), ("celery", "celery.pid", "celery")],
    )

    assert query(database, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.requires_postgres
@pytest.mark.requires_redis
def test_every_daemon_comes_back_in_scaled_mode(deployment, postgres_database, redis_server):
    # A short lease: the new bridge takes the printer over from the killed one sooner.
    result = deployment.run(
        DATABASE_URL=postgres_database, REDIS_URL=redis_server.url, BRIDGE_PROCESSES="1", BRIDGE_LEASE_SECONDS="5"
    )
    assert result.returncode == 0, result.stdout + result.stderr

    _kill_each_daemon(
        deployment,
        postgres_database,
        [
            ("web", "app.pid", "klipperiwc_site.web"),
            ("celery", "celery.pid", "celery"),
            ("bridge 1", "bridge-1.pid", "run_bridge"),
        ],
    )
