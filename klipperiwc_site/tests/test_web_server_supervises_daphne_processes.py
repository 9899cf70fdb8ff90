"""python -m klipperiwc_site.web: WEB_PROCESSES daphne processes on one port, restarted when they die."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, stop_process


def daphne_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sorted(int(child) for child in children)


def wait_for(predicate, *, timeout: float = 30.0, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def web_server(project_env, free_port, redis_url, tmp_path):
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", REDIS_URL=redis_url, WEB_PROCESSES="2", LOG_FILE="-"
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=PROJECT_ROOT, env=env, capture_output=True
    )
    assert migrate.returncode == 0, migrate.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "klipperiwc_site.web", "-b", "127.0.0.1", "-p", str(free_port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{free_port}"
    try:
        wait_for(lambda: healthy(url), what="/healthz")
        yield process, url
    finally:
        if process.poll() is None:
            stop_process(process)


@pytest.mark.requires_redis
@pytest.mark.slow
def test_it_serves_one_port_with_two_daphne_processes_and_replaces_a_dead_one(web_server):
    process, url = web_server
    children = wait_for(lambda: len(daphne_children(process.pid)) == 2 and daphne_children(process.pid), what="2")
    for child in children:
        assert "daphne" in Path(f"/proc/{child}/cmdline").read_text()

    os.kill(children[0], signal.SIGKILL)
    replaced = wait_for(
        lambda: (now := daphne_children(process.pid)) and len(now) == 2 and children[0] not in now and now,
        what="a replacement daphne process",
    )
    assert children[1] in replaced
    wait_for(lambda: healthy(url), what="/healthz after the restart")
    for _ in range(20):  # new connections land on either process; all are answered
        with urllib.request.urlopen(f"{url}/api/status", timeout=5) as response:
            assert response.status == 200


@pytest.mark.requires_redis
@pytest.mark.slow
def test_it_stops_every_daphne_process_on_sigterm(web_server):
    process, _url = web_server
    children = wait_for(lambda: len(daphne_children(process.pid)) == 2 and daphne_children(process.pid), what="2")
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "stopping 2 daphne process(es)" in output
    for child in children:
        assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def established_connections(pid: int, port: int) -> int:
    """Established TCP connections on ``port`` that process ``pid`` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01" and fields[9] in inodes:
            count += 1
    return count


@pytest.mark.requires_redis
@pytest.mark.slow
def test_connections_are_spread_over_both_processes(web_server):
    import http.client

    process, url = web_server
    port = int(url.rsplit(":", 1)[1])
    children = wait_for(lambda: len(daphne_children(process.pid)) == 2 and daphne_children(process.pid), what="2")
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(16)]
    try:
        # Sixteen connections at once, as a load generator or a proxy opens them.
        for connection in connections:
            connection.connect()
        for connection in connections:  # keep-alive: each stays with the process that accepted it
            connection.request("GET", "/healthz")
            assert connection.getresponse().read()
        held = [established_connections(child, port) for child in children]
    finally:
        for connection in connections:
            connection.close()
    assert sum(held) == 16, held
    assert min(held) > 0, f"one process got every connection: {held}"
