"""Scaled mode (REDIS_URL set, so BRIDGE_MODE=process): ./deploy.sh starts
BRIDGE_PROCESSES bridges (`manage.py run_bridge`) beside the web server and
Celery. One of them follows the demo printer and history grows with nobody
asking; status lists them; a failed restart brings the previous bridges back;
a restart with fewer stops the extra ones; stop ends them and they give their
leases back."""

import os
import socket

import pytest

from .conftest import (
    demo_followed_by,
    environment_of,
    healthz,
    main_processes,
    pid_files,
    processes,
    query,
    wait_for_history_growth,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.requires_postgres, pytest.mark.requires_redis]


def _bridges(directory) -> dict[str, int]:
    """{pid file name: the pid in it} of the bridges' pid files."""
    return {path.name: int(path.read_text()) for path in sorted((directory / "logs").glob("bridge-*.pid"))}


def test_bridges_follow_the_printers_are_listed_rolled_back_reduced_and_stopped(
    deployment, postgres_database, redis_server
):
    directory = deployment.directory
    scaled = {"DATABASE_URL": postgres_database, "REDIS_URL": redis_server.url}

    first = deployment.run(**scaled, BRIDGE_PROCESSES="2")

    assert first.returncode == 0, first.stdout + first.stderr
    assert "BRIDGE_MODE=process: 2 bridge process(es)" in first.stdout
    assert healthz(deployment.port)[1]["redis"] == "ok"
    mains = main_processes(directory)
    assert {kind: len(pids) for kind, pids in mains.items()} == {"web": 1, "daphne": 0, "celery": 1, "bridge": 2}
    bridges = _bridges(directory)
    assert set(bridges) == {"bridge-1.pid", "bridge-2.pid"}
    assert sorted(bridges.values()) == sorted(mains["bridge"])
    for pid in bridges.values():
        assert os.readlink(f"/proc/{pid}/cwd") == str(directory)
        # Each bridge logs to its standard error; supervisord writes (and rotates) logs/bridge-N.log.
        assert environment_of(pid)["LOG_FILE"] == "-"
    # A lease gives the demo printer to exactly one of them; nobody polls /api/status.
    follower = wait_until(lambda: demo_followed_by(postgres_database), what="a bridge to connect the demo printer")
    assert follower in bridges.values()
    wait_for_history_growth(postgres_database)
    for name, pid in bridges.items():
        log = (directory / "logs" / name.replace(".pid", ".log")).read_text()
        assert f" {pid}: " in log, log  # its own records, each naming its process id
    assert any("started" in (directory / "logs" / f"bridge-{number}.log").read_text() for number in (1, 2))

    # status and stop need no configuration: they ask the running copy and its pid files.
    status = deployment.run("status")
    assert status.returncode == 0, status.stdout + status.stderr
    for name, pid in bridges.items():
        number = name.removeprefix("bridge-").removesuffix(".pid")
        assert f"bridge {number}: running (pid {pid}, manage.py run_bridge)" in status.stdout, status.stdout

    # A new copy that does not become healthy: the previous one comes back, bridges included,
    # each with its own environment (the working Redis).
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nothing_there = closed.getsockname()[1]
    failed = deployment.run(
        "restart",
        **{**scaled, "REDIS_URL": f"redis://127.0.0.1:{nothing_there}/0"},
        BRIDGE_PROCESSES="2",
        DEPLOY_WAIT_SECONDS="5",
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "the previous copy runs again" in failed.stderr
    assert "bridge pid(s)" in failed.stderr
    restored = _bridges(directory)
    assert set(restored) == {"bridge-1.pid", "bridge-2.pid"}
    assert set(restored.values()).isdisjoint(bridges.values())
    assert sorted(restored.values()) == sorted(main_processes(directory)["bridge"])
    for pid in restored.values():
        assert environment_of(pid)["REDIS_URL"] == redis_server.url
    wait_until(
        lambda: demo_followed_by(postgres_database) in restored.values(),
        what="a restored bridge to follow the demo printer",
    )

    reduced = deployment.run("restart", **scaled, BRIDGE_PROCESSES="1")

    assert reduced.returncode == 0, reduced.stdout + reduced.stderr
    assert "Stopped bridge 2" in reduced.stdout
    now = _bridges(directory)
    assert list(now) == ["bridge-1.pid"]
    assert main_processes(directory)["bridge"] == [now["bridge-1.pid"]]
    wait_until(
        lambda: demo_followed_by(postgres_database) == now["bridge-1.pid"],
        what="the one bridge left to follow the demo printer",
    )

    stop = deployment.run("stop")

    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert "Stopped bridge 1" in stop.stdout
    assert processes(directory) == {}
    assert pid_files(directory) == []
    # SIGTERM let it give back its lease and its heartbeat row: another bridge may take over at once.
    assert query(postgres_database, "SELECT count(*) FROM printer_bridge_leases")[0][0] == 0
    assert query(postgres_database, "SELECT count(*) FROM bridge_processes")[0][0] == 0
    assert deployment.run("status").returncode == 3
