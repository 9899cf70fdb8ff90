"""A printer whose bridge connection is not "connected" gets a 409 naming the state; Moonraker is not asked."""

import pytest

from control.tests.conftest import audit_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["connecting", "unreachable", "auth_failed", "klippy_not_ready", "disabled"])
@pytest.mark.parametrize(
    ("method", "rest", "body"),
    [
        ("post", "actions/pause", None),
        ("post", "gcode", {"script": "G28"}),
        ("post", "print", {"filename": "cube.gcode"}),
        ("get", "files", None),
    ],
)
def test_it_names_the_connection_state(control, fake_moonraker, moonraker_row, state, method, rest, body):
    moonraker_row(fake_moonraker.url, state=state, message="Klippy is in startup")

    response = control.post("voron", rest, body) if method == "post" else control.get("voron", rest)

    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "offline" in detail
    assert f"[{state}]" in detail
    assert "Klippy is in startup" in detail
    assert fake_moonraker.requests == []
    [row] = audit_rows()
    assert (row["outcome"], row["status_code"]) == ("rejected", 409)


def test_a_printer_the_bridge_never_reached_is_connecting(control, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url, state=None)

    response = control.post("voron", "actions/pause")

    assert response.status_code == 409
    assert "[connecting]" in response.json()["detail"]
    assert fake_moonraker.requests == []


def test_a_disabled_printer_is_refused_whatever_its_connection_says(control, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url, enabled=False)

    response = control.post("voron", "actions/pause")

    assert response.status_code == 409
    assert "disabled" in response.json()["detail"]
    assert fake_moonraker.requests == []


def test_an_upload_to_a_printer_that_is_offline_is_409(control, fake_moonraker, moonraker_row):
    from django.core.files.uploadedfile import SimpleUploadedFile

    moonraker_row(fake_moonraker.url, state="unreachable")

    response = control.post("voron", "files", data={"file": SimpleUploadedFile("cube.gcode", b"G28\n")})

    assert response.status_code == 409
    assert "[unreachable]" in response.json()["detail"]
    assert fake_moonraker.requests == []
    assert audit_rows()[0]["arguments"] == {"filename": "cube.gcode", "size": 4, "print": False}
