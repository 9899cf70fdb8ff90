"""GET /api/printers-catalog/{id}/printer.cfg (with ?board=), POST of an edited definition, and
manage.py printer_cfg: the same text; refusals are 400 with paths or 404."""

import copy
import io

import pytest
from django.core.management import CommandError, call_command

from printers.definitions import printer_definition

pytestmark = pytest.mark.django_db


def test_the_api_and_the_command_give_the_same_file(client, catalog, tmp_path):
    listed = client.get("/api/printers-catalog/").json()
    answer = client.get("/api/printers-catalog/creality-ender3-pro-4.2.2/printer.cfg")
    posted = client.post(
        "/api/printers-catalog/printer.cfg",
        printer_definition("creality-ender3-pro-4.2.2"),
        content_type="application/json",
    )
    call_command(
        "printer_cfg", "creality-ender3-pro-4.2.2", "--out", str(tmp_path / "printer.cfg"), stderr=io.StringIO()
    )

    assert {"creality-ender3-pro-4.2.2", "corexy-octopus-ebb-can"} <= {p["id"] for p in listed}
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    assert answer["Content-Disposition"] == 'attachment; filename="creality-ender3-pro-4.2.2.cfg"'
    assert posted.content == answer.content
    assert (tmp_path / "printer.cfg").read_bytes() == answer.content


def test_another_board_that_lacks_the_wiring_is_a_400_naming_each_path(client, catalog):
    answer = client.get("/api/printers-catalog/creality-ender3-pro-4.2.2/printer.cfg?board=btt-octopus-v1.1")

    assert answer.status_code == 400
    paths = {error["path"] for error in answer.json()["errors"]}
    assert "/axes/x/steppers/0/driver" in paths


def test_unknown_printers_and_invalid_posts(client, catalog):
    assert client.get("/api/printers-catalog/no-such-printer/printer.cfg").status_code == 404
    broken = copy.deepcopy(printer_definition("corexy-octopus-v1.1"))
    broken["kinematics"] = "polar"
    answer = client.post("/api/printers-catalog/printer.cfg", broken, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["path"] == "/kinematics"
    with pytest.raises(CommandError, match="No printer"):
        call_command("printer_cfg", "no-such-printer")
