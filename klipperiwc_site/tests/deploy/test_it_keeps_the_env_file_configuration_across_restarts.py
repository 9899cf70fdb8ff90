"""The operator writes .env once: ./deploy.sh and ./deploy.sh restart both use
its port and tokens; a variable in the environment wins over the file."""

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from .conftest import healthz, ping

pytestmark = pytest.mark.slow

TOKEN = "env-file-ws-token-0123456789"


def _refused_without_token(port: int) -> bool:
    """Without the token the socket is told why (an error message) and closed with 4401."""
    with connect(f"ws://127.0.0.1:{port}/ws/status", proxy=None, open_timeout=10) as websocket:
        first = {}
        try:
            first = json.loads(websocket.recv(timeout=10))
            websocket.recv(timeout=10)
        except ConnectionClosed as closed:
            return first.get("type") == "error" and closed.rcvd is not None and closed.rcvd.code == 4401
    return False


def test_deploy_and_restart_read_the_env_file(deployment, free_port):
    port = deployment.port
    (deployment.directory / ".env").write_text(
        f"# written once by the operator\nHOST=127.0.0.1\nPORT={port}\nexport STATUS_WS_TOKEN='{TOKEN}'\n"
    )

    first = deployment.run(HOST=None, PORT=None)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"Env file: {deployment.directory / '.env'}" in first.stdout
    assert healthz(port)[0] == 200
    assert ping(port, f"?token={TOKEN}") == {"type": "pong"}
    assert _refused_without_token(port)

    restart = deployment.run("restart", HOST=None, PORT=None)
    assert restart.returncode == 0, restart.stdout + restart.stderr
    assert healthz(port)[0] == 200
    assert ping(port, f"?token={TOKEN}") == {"type": "pong"}
    assert _refused_without_token(port)

    other = free_port + 1 if free_port + 1 != port else free_port + 2
    wins = deployment.run("restart", HOST=None, PORT=str(other))
    assert wins.returncode == 0, wins.stdout + wins.stderr
    assert healthz(other)[0] == 200
    assert ping(other, f"?token={TOKEN}") == {"type": "pong"}


def test_a_malformed_env_file_line_stops_the_deploy_before_anything_stops(deployment):
    first = deployment.run()
    assert first.returncode == 0, first.stdout + first.stderr
    env_file = deployment.directory / ".env"
    env_file.write_text("HOST=127.0.0.1\nPORT = 8080\n")

    result = deployment.run("restart")

    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(f"Configuration error: {env_file}, line 2: 'PORT = 8080'")
    assert "nothing was started or stopped" in result.stderr
    assert healthz(deployment.port)[0] == 200
