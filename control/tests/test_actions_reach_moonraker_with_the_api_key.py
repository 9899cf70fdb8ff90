"""Each action is its Moonraker call, sent with the printer's API key, answered and recorded."""

import pytest

from control.tests.conftest import API_KEY, audit_rows

pytestmark = pytest.mark.django_db

ACTIONS = {
    "pause": "/printer/print/pause",
    "resume": "/printer/print/resume",
    "cancel": "/printer/print/cancel",
    "emergency-stop": "/printer/emergency_stop",
    "firmware-restart": "/printer/firmware_restart",
    "restart": "/printer/restart",
}


@pytest.mark.parametrize(("action", "path"), ACTIONS.items())
def test_each_action_is_its_moonraker_call(control, fake_moonraker, moonraker_row, action, path):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", f"actions/{action}")

    assert response.status_code == 200, response.content
    assert response.json() == {"printer": "voron", "action": action, "result": "ok"}
    assert fake_moonraker.paths() == [("POST", path)]
    assert fake_moonraker.requests[0].headers["x-api-key"] == API_KEY
    assert audit_rows() == [
        {
            "printer_slug": "voron",
            "action": action,
            "arguments": {},
            "outcome": "ok",
            "status_code": 200,
            "detail": "ok",
            "client_address": "127.0.0.1",
        }
    ]


def test_a_path_prefix_in_the_url_is_kept(control, fake_moonraker, moonraker_row):
    fake_moonraker.result("POST", "/mr/printer/print/pause", "ok")
    moonraker_row(fake_moonraker.url + "/mr/")

    assert control.post("voron", "actions/pause").status_code == 200
    assert fake_moonraker.paths() == [("POST", "/mr/printer/print/pause")]


def test_a_printer_without_a_key_sends_none(control, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url, api_key="")

    assert control.post("voron", "actions/cancel").status_code == 200
    assert "x-api-key" not in fake_moonraker.requests[0].headers


def test_an_unknown_action_is_a_404_naming_the_actions_and_recorded(control, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "actions/explode")

    assert response.status_code == 404
    detail = response.json()["detail"]
    for action in ACTIONS:
        assert action in detail
    assert "explode" in detail
    assert fake_moonraker.requests == []
    assert [(r["action"], r["outcome"], r["status_code"]) for r in audit_rows()] == [("explode", "rejected", 404)]


@pytest.mark.parametrize("action", ["gcode", "print", "files", "upload"])
def test_the_other_calls_are_not_actions(control, fake_moonraker, moonraker_row, action):
    moonraker_row(fake_moonraker.url)

    assert control.post("voron", f"actions/{action}").status_code == 404
    assert fake_moonraker.requests == []


def test_an_unknown_printer_is_a_404_and_recorded(control):
    response = control.post("no-such-printer", "actions/pause")

    assert response.status_code == 404
    assert "no-such-printer" in response.json()["detail"]
    [row] = audit_rows()
    assert (row["printer_slug"], row["action"], row["outcome"], row["status_code"]) == (
        "no-such-printer",
        "pause",
        "rejected",
        404,
    )
