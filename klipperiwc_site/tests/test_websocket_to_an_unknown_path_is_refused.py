"""A WebSocket handshake to a path with no route is refused (HTTP 403) with one log line, not a 500 and a traceback."""

import time

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

pytestmark = pytest.mark.slow

UNKNOWN = ["/ws/status/x", "/ws/nothing", "/ws/status/", "/", "/ws/status%00"]


@pytest.fixture
def daphne(project_env, manage, tmp_path, start_daphne):
    log = tmp_path / "app.log"
    # No bridge inside daphne: its status broadcasts would come between ping and pong.
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", LOG_FILE=str(log), BRIDGE_MODE="process")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return start_daphne(env), log


def log_lines_mentioning(log, text, *, count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in log.read_text().splitlines() if text in line]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_an_unknown_path_is_a_403_handshake_and_one_log_line(daphne):
    url, log = daphne
    base = url.replace("http", "ws")
    for path in UNKNOWN:
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{base}{path}?token=secret-in-the-query", open_timeout=10)
        assert refused.value.response.status_code == 403, path

    lines = log_lines_mentioning(log, "WebSocket handshake refused", count=len(UNKNOWN))
    assert len(lines) == len(UNKNOWN)
    for path, line in zip(UNKNOWN, lines, strict=True):
        assert " WARNING " in line
        assert repr(path.replace("%00", "\x00")) in line
    text = log.read_text()
    assert "Traceback" not in text
    assert "No route found" not in text
    assert "secret-in-the-query" not in text

    # The real route still works beside the refusals.
    with connect(f"{base}/ws/status", open_timeout=10) as websocket:
        websocket.send('{"type": "ping"}')
        replies = [websocket.recv(timeout=10) for _ in range(2)]  # the demo printer's connection, and the pong
        assert any('"pong"' in reply for reply in replies), replies
