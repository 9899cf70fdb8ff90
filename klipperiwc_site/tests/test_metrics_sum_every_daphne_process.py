"""Two daphne processes sharing PROMETHEUS_MULTIPROC_DIR: a scrape of either shows both processes' counts;
a process killed with -9 takes its open WebSocket connections out of the gauge, its counts stay."""

import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from conftest import PROJECT_ROOT, _free_port, stop_process
from klipperiwc_site import metrics
from klipperiwc_site.tests.metrics_scrape import scrape_url, value

pytestmark = pytest.mark.slow

REQUESTS = "klipperiwc_http_requests_total"
OPEN = "klipperiwc_websocket_connections_open"


def healthz_count(samples) -> float:
    return value(samples, REQUESTS, route="healthz", method="GET", status="200")


def wait_for(condition, *, timeout: float = 10, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.1)
    return result


def get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200


@pytest.fixture
def killable_daphne():
    """One more daphne (like start_daphne's) whose process the test holds, to kill it.

    ``start(env)`` returns (process, base URL, ready) at once; ``ready()`` waits until it answers.
    """
    started = []

    def start(env):
        port = _free_port()
        output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed at teardown)
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "klipperiwc_site.asgi:application"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        started.append((process, output))
        url = f"http://127.0.0.1:{port}"

        def answering():
            assert process.poll() is None, "daphne exited"
            try:
                get(f"{url}/healthz")
            except OSError:
                return False
            return True

        return process, url, lambda: wait_for(answering, timeout=30, what="daphne answering")

    yield start
    for process, output in started:
        stop_process(process)
        output.close()


def test_a_scrape_sums_both_processes_and_forgets_a_killed_ones_open_sockets(
    project_env, manage, tmp_path, start_daphne, killable_daphne
):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    assert manage("migrate", "--noinput", env=env).returncode == 0
    second_process, second, second_ready = killable_daphne(env)
    first = start_daphne(env)  # while the second one starts too
    second_ready()
    before = scrape_url(first)

    for _ in range(3):
        get(f"{first}/healthz")
    for _ in range(2):
        get(f"{second}/healthz")

    assert healthz_count(scrape_url(second)) - healthz_count(before) == 5
    assert healthz_count(scrape_url(first)) - healthz_count(before) == 5
    # One file per process, named host-pid (containers sharing the folder cannot collide).
    assert f"counter_{metrics.process_identifier(second_process.pid)}.db" in {
        path.name for path in metrics_dir.glob("counter_*.db")
    }

    with (
        connect(first.replace("http", "ws") + "/ws/status", open_timeout=10),
        connect(second.replace("http", "ws") + "/ws/status", open_timeout=10),
    ):
        wait_for(lambda: value(scrape_url(first), OPEN) == 2, what="two open sockets in one scrape")
        accepted = value(scrape_url(second), "klipperiwc_websocket_connections_total", outcome="accepted")
        assert accepted - value(before, "klipperiwc_websocket_connections_total", outcome="accepted") == 2

        second_process.kill()
        second_process.wait()
        after_kill = scrape_url(first)
        # The killed process never closed its socket; the scrape drops its live gauge, keeps its counts.
        assert value(after_kill, OPEN) == 1
        assert healthz_count(after_kill) - healthz_count(before) == 5
    wait_for(lambda: value(scrape_url(first), OPEN) == 0, what="the last socket closed")
