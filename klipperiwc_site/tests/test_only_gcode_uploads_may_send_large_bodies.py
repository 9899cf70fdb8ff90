"""The body limit is per path: G-code uploads may send up to PRINTER_FILE_MAX_BYTES, every other request less."""

import http.client
import json

import pytest

pytestmark = pytest.mark.slow

CONTROL_TOKEN = "control-token-0123456789"


@pytest.fixture
def site(project_env, manage, tmp_path, start_daphne):
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        BOARD_ASSET_MAX_BYTES="100000",
        PRINTER_FILE_MAX_BYTES="8000000",
        PRINTER_CONTROL_TOKEN=CONTROL_TOKEN,
        BRIDGE_MODE="process",
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return start_daphne(env).removeprefix("http://")


def post(host: str, path: str, size: int, headers: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(host, timeout=30)
    body = b"x" * size
    connection.request("POST", path, body=body, headers={"Content-Length": str(size), **headers})
    response = connection.getresponse()
    answer = response.status, json.loads(response.read() or b"{}")
    connection.close()
    return answer


def test_a_large_json_body_is_refused_before_any_view(site):
    status, body = post(site, "/api/printers/", 5_000_000, {"Content-Type": "application/json"})
    assert status == 413
    assert "larger than" in body["detail"]


def test_a_gcode_upload_of_the_same_size_reaches_its_view(site):
    status, body = post(
        site,
        "/api/printers/demo/files",
        5_000_000,
        {"Content-Type": "multipart/form-data; boundary=zzz", "X-Printer-Control-Key": CONTROL_TOKEN},
    )
    assert status != 413, body  # the view answers (the demo printer has no files, or the form is bad)
    assert status in (400, 409)


def test_a_gcode_upload_above_its_own_limit_is_refused(site):
    status, _ = post(
        site,
        "/api/printers/demo/files",
        9_000_000,
        {"Content-Type": "multipart/form-data; boundary=zzz", "X-Printer-Control-Key": CONTROL_TOKEN},
    )
    assert status == 413
