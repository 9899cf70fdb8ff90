"""POST .../print starts a file of the gcodes folder through Moonraker."""

import pytest

from control.tests.conftest import audit_rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filename", ["cube.gcode", "parts/clip.GCO", "Benchy v2.g"])
def test_it_starts_the_file(control, fake_moonraker, moonraker_row, filename):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "print", {"filename": filename})

    assert response.status_code == 200
    assert response.json() == {"printer": "voron", "action": "print", "result": "ok"}
    [seen] = fake_moonraker.requests
    assert (seen.path, seen.json) == ("/printer/print/start", {"filename": filename})
    assert audit_rows()[0]["arguments"] == {"filename": filename}


@pytest.mark.parametrize(
    "filename",
    ["", "cube.stl", "/etc/cube.gcode", "../cube.gcode", "a/../cube.gcode", "a//cube.gcode", ".hidden.gcode", "a\\b"],
)
def test_a_bad_filename_is_a_400_naming_it(control, fake_moonraker, moonraker_row, filename):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "print", {"filename": filename})

    assert response.status_code == 400
    assert "filename" in response.json()
    assert fake_moonraker.requests == []
    assert audit_rows()[0]["outcome"] == "rejected"


def test_a_missing_file_is_a_409_with_moonraker_s_message(control, fake_moonraker, moonraker_row):
    fake_moonraker.error("POST", "/printer/print/start", 400, "Unable to open file")
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "print", {"filename": "nope.gcode"})

    assert response.status_code == 409
    assert "Unable to open file" in response.json()["detail"]
