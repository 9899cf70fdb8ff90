"""After kill -9 of daphne, the image checker's helper processes (forkserver, resource tracker, children) end too."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from assets.tests.conftest import png_bytes
from assets.tests.test_uploads_stream_through_daphne import post_file
from conftest import PROJECT_ROOT, stop_process

pytestmark = pytest.mark.slow


def stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) from /proc/<pid>/stat; None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, tuple[int, str, int] | None]:
    processes = {int(name): stat(int(name)) for name in os.listdir("/proc") if name.isdigit()}
    children: dict[int, list[int]] = {}
    for pid, info in processes.items():
        if info is not None:
            children.setdefault(info[0], []).append(pid)
    found, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = processes[child]
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as file:
        return file.read().replace(b"\0", b" ").decode()


def still_running(pid: int, started: int) -> bool:
    # A zombie has ended (this machine's init may not reap it); a new process under a reused pid is not ours.
    info = stat(pid)
    return info is not None and info[2] == started and info[1] != "Z"


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)
    return result


@pytest.fixture
def daphne(asset_site_env, free_port):
    env = asset_site_env()
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(free_port), "klipperiwc_site.asgi:application"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{free_port}"

    def healthy() -> bool:
        assert process.poll() is None, "daphne exited"
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    wait_for(healthy, timeout=30, what="daphne to answer /healthz")
    yield process, url
    if process.poll() is None:
        stop_process(process)


def test_kill_9_of_daphne_ends_the_forkserver_its_children_and_the_resource_tracker(daphne):
    process, url = daphne
    status, body = post_file(url, png_bytes(40, 30))
    assert status == 201, body

    def helpers_up():
        found = descendants(process.pid)
        forkserver = [pid for pid in found if "multiprocessing.forkserver" in command_line(pid)]
        tracker = [pid for pid in found if "multiprocessing.resource_tracker" in command_line(pid)]
        # The child that checked the upload has exited (one upload per child); its replacement waits.
        children = [pid for pid, info in found.items() if forkserver and info[0] == forkserver[0]]
        return found if forkserver and tracker and children else None

    helpers = wait_for(helpers_up, timeout=30, what="the forkserver, the resource tracker and a waiting child")

    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    def all_ended():
        return not [pid for pid, info in helpers.items() if still_running(pid, info[2])]

    wait_for(all_ended, timeout=20, what=f"the helper processes {sorted(helpers)} to end")
