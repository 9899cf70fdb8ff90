"""The printers API through a real daphne: closed without PRINTER_ADMIN_TOKEN, then add, read, change and
delete a Moonraker printer with it; the API key never comes back."""

import json
import urllib.error
import urllib.request

import pytest

from status.tests.printer_api import ADMIN_TOKEN, API_KEY

pytestmark = pytest.mark.slow


def call(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, dict, dict]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token is not None:
        headers["X-Printer-Admin-Key"] = token
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.fixture
def site_env(project_env, manage, tmp_path):
    def build(**overrides):
        env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", BRIDGE_MODE="process", **overrides)
        migrated = manage("migrate", "--noinput", env=env)
        assert migrated.returncode == 0, migrated.stderr
        return env

    return build


def test_without_the_token_set_every_write_is_closed(site_env, start_daphne):
    url = start_daphne(site_env())

    status, _, body = call(f"{url}/api/printers/", "POST", {"slug": "x", "name": "X", "source_kind": "demo"}, "guess")

    assert status == 503
    assert "PRINTER_ADMIN_TOKEN is not set" in body["detail"]
    assert call(f"{url}/api/printers/demo", "DELETE", token="guess")[0] == 503
    assert call(f"{url}/api/printers/demo")[0] == 200  # reading stays open


def test_a_moonraker_printer_is_added_read_changed_and_deleted(site_env, start_daphne):
    url = start_daphne(site_env(PRINTER_ADMIN_TOKEN=ADMIN_TOKEN))
    printer = {
        "slug": "bay-3",
        "name": "Bay 3",
        "source_kind": "moonraker",
        "moonraker_url": "http://127.0.0.1:7125",
        "api_key": API_KEY,
        "tags": ["farm-a"],
    }

    status, headers, _ = call(f"{url}/api/printers/", "POST", printer)
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Token realm="printer-admin", header="X-Printer-Admin-Key"'
    assert call(f"{url}/api/printers/", "POST", printer, "wrong")[0] == 403

    status, headers, created = call(f"{url}/api/printers/", "POST", printer, ADMIN_TOKEN)
    assert status == 201
    assert headers["Location"] == f"{url}/api/printers/bay-3"
    assert created["has_api_key"] is True
    assert created["connection"] == {
        "state": "connecting",
        "message": "Waiting for the bridge",
        "since": created["updated_at"],
        "bridge": "",
    }

    status, _, again = call(f"{url}/api/printers/", "POST", printer, ADMIN_TOKEN)
    assert (status, again["slug"]) == (409, ["A printer with slug 'bay-3' already exists."])

    status, _, bad = call(f"{url}/api/printers/bay-3", "PATCH", {"moonraker_url": "bay-3.local"}, ADMIN_TOKEN)
    assert status == 400
    assert bad["moonraker_url"] == ["moonraker_url must start with http:// or https://."]

    status, _, changed = call(f"{url}/api/printers/bay-3", "PATCH", {"enabled": False}, ADMIN_TOKEN)
    assert status == 200
    assert changed["connection"]["state"] == "disabled"

    listed = call(f"{url}/api/printers/")[2]["results"]
    alone = call(f"{url}/api/printers/bay-3")[2]
    assert [p["slug"] for p in listed] == ["bay-3", "demo"]
    assert listed[0] == alone == changed
    assert call(f"{url}/api/printers/bay-3/jobs")[2] == {"count": 0, "next": None, "previous": None, "results": []}

    assert call(f"{url}/api/printers/bay-3", "DELETE", token=ADMIN_TOKEN)[0] == 204
    assert call(f"{url}/api/printers/bay-3")[0] == 404
    for body in (created, changed, listed, alone):
        assert API_KEY not in json.dumps(body)
