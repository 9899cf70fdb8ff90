"""./deploy.sh deploys, deploys again without a second copy, serves HTTP and
WebSockets, stops; a bad setting starts nothing."""

import stat

import pytest

from .conftest import healthz, main_processes, pid_files, ping, processes

pytestmark = pytest.mark.slow


def test_it_deploys_restarts_without_a_second_copy_and_stops(deployment):
    directory, port = deployment.directory, deployment.port

    first = deployment.run()
    assert first.returncode == 0, first.stdout + first.stderr
    assert healthz(port) == (200, {"status": "ok", "database": "ok", "storage": "ok"})
    key_file = directory / "data" / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50
    assert not (directory / ".venv").exists(), "KLIPPERIWC_VENV was set; no .venv belongs in the copy"
    first_mains = main_processes(directory)
    assert {kind: len(pids) for kind, pids in first_mains.items()} == {
        "web": 1,
        "daphne": 0,
        "celery": 1,
        "bridge": 0,
    }, first_mains

    second = deployment.run()
    assert second.returncode == 0, second.stdout + second.stderr
    assert healthz(port) == (200, {"status": "ok", "database": "ok", "storage": "ok"})
    second_mains = main_processes(directory)
    counts = {kind: len(pids) for kind, pids in second_mains.items()}
    assert counts == {"web": 1, "daphne": 0, "celery": 1, "bridge": 0}, second_mains
    assert set(second_mains["web"]).isdisjoint(first_mains["web"])
    assert set(second_mains["celery"]).isdisjoint(first_mains["celery"])
    assert int((directory / "logs" / "app.pid").read_text()) == second_mains["web"][0]
    daphnes = [pid for pid, (kind, parent) in processes(directory).items() if kind == "daphne"]
    assert [processes(directory)[pid][1] for pid in daphnes] == second_mains["web"]  # WEB_PROCESSES=1
    assert int((directory / "logs" / "celery.pid").read_text()) == second_mains["celery"][0]

    assert ping(port) == {"type": "pong"}

    status = deployment.run("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"web: running (pid {second_mains['web'][0]}, 1 daphne process(es))" in status.stdout

    stop = deployment.run("stop")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert processes(directory) == {}
    assert pid_files(directory) == []
    assert deployment.run("status").returncode == 3


def test_a_bad_log_level_fails_before_anything_starts(deployment):
    result = deployment.run(LOG_LEVEL="loud")

    assert result.returncode != 0
    lines = (result.stdout + result.stderr).splitlines()
    assert any(line.startswith("Configuration error: LOG_LEVEL=") for line in lines), lines
    assert processes(deployment.directory) == {}
    assert pid_files(deployment.directory) == []
