"""GET .../thumbnail?file= takes a G-code file's path inside the gcodes folder only: anything else is a 400 naming
file, and the printer is never asked."""

import pytest

from control.models import PrinterThumbnail

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "file",
    [
        "/etc/passwd.gcode",
        "../cube.gcode",
        "parts/../../cube.gcode",
        "parts/./cube.gcode",
        "parts//cube.gcode",
        "cube.gcode\x00.png",
        "parts\\cube.gcode",
        ".thumbs/cube.gcode",
        "cube.png",
        "a/" * 600 + "cube.gcode",
        "",
    ],
)
def test_a_path_outside_the_gcodes_folder_is_a_400(client, fake_moonraker, moonraker_row, file):
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": file})

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    # The field's errors beside detail (NUL: the site refuses it before the view, naming the parameter).
    assert set(body) == {"detail", "file"} or "'file'" in body["detail"]
    assert fake_moonraker.requests == []
    assert not PrinterThumbnail.objects.exists()


def test_no_file_parameter_is_a_400(client, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail")

    assert response.status_code == 400
    assert "file" in response.json()


def test_a_modified_time_that_is_not_a_number_is_a_400(client, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode", "modified": "yesterday"})

    assert response.status_code == 400
    assert "modified" in response.json()
    assert fake_moonraker.requests == []
