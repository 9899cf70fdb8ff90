"""./deploy.sh onto a port another program holds fails before it stops anything:
the running copy keeps serving."""

import os
import socket

import pytest

from .conftest import healthz, main_processes

pytestmark = pytest.mark.slow


def test_a_port_held_by_another_program_leaves_the_running_copy_alone(deployment):
    first = deployment.run()
    assert first.returncode == 0, first.stdout + first.stderr
    running = main_processes(deployment.directory)

    with socket.socket() as foreign:
        foreign.bind(("127.0.0.1", 0))
        foreign.listen()
        busy = foreign.getsockname()[1]
        result = deployment.run(PORT=str(busy))

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"cannot listen on 127.0.0.1:{busy}: it is in use by pid {os.getpid()}" in result.stderr
    assert "nothing was stopped" in result.stderr
    assert "Stopping the running copy" not in result.stdout
    assert main_processes(deployment.directory) == running
    assert healthz(deployment.port) == (200, {"status": "ok", "database": "ok", "storage": "ok"})
