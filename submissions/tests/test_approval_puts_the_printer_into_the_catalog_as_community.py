"""Approving puts the printer into the printer catalog (source community, submitter credited) with a working
printer.cfg; a shipped printer's id keeps the shipped definition, the approval is recorded."""

import pytest

from boards.models import Board
from printers.definitions import printer_definition
from printers.models import CommunityPrinter
from submissions.models import PrinterSubmission
from submissions.tests.conftest import decide_printer, new_printer, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_an_approved_printer_is_in_the_catalog_as_the_communitys(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()
    assert "acme-ender3-pro" not in {entry["id"] for entry in client.get("/api/printers-catalog/").json()}

    decided = decide_printer(client, submission, mona, decision="approve", notes="Thanks!")

    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["state"] == "approved"
    assert (body["revisions"][0]["outcome"], body["revisions"][0]["reviewer"]) == ("approved", "mona")
    assert body["revisions"][0]["notes"] == "Thanks!"
    row = CommunityPrinter.objects.get()
    assert (row.pk, row.submitted_by, row.submission) == ("acme-ender3-pro", carla.user, submission)
    assert (row.name, row.manufacturer, row.kinematics, row.main_board, row.toolhead_board) == (
        "ACME Ender 3 Pro",
        "Creality",
        "cartesian",
        "creality-4.2.2",
        None,
    )
    catalog = {entry["id"]: entry for entry in client.get("/api/printers-catalog/").json()}
    assert catalog["acme-ender3-pro"] == {
        "id": "acme-ender3-pro",
        "name": "ACME Ender 3 Pro",
        "manufacturer": "Creality",
        "kinematics": "cartesian",
        "main_board": "creality-4.2.2",
        "toolhead_board": None,
        "source": "community",
    }
    assert catalog["creality-ender3-pro-4.2.2"]["source"] == "repository"
    assert client.get("/api/printers-catalog/acme-ender3-pro/").json() == new_printer()
    generated = client.get("/api/printers-catalog/acme-ender3-pro/printer.cfg")
    assert generated.status_code == 200, generated.content
    assert generated["Content-Disposition"] == 'attachment; filename="acme-ender3-pro.cfg"'
    assert generated.content == client.get(body["printer_cfg_url"], **carla.bearer).content
    posted = client.post("/api/printers-catalog/printer.cfg", new_printer(), content_type="application/json")
    assert generated.content == posted.content
    # Another main board, as for a shipped printer (it lacks the 4.2.2's drivers: a 400 by path).
    other = client.get("/api/printers-catalog/acme-ender3-pro/printer.cfg?board=btt-octopus-v1.1")
    assert other.status_code == 400
    assert "/axes/x/steppers/0/driver" in {error["path"] for error in other.json()["errors"]}


def test_a_later_approval_of_the_same_id_replaces_the_community_printer(client, person):
    carla, bob, mona = person("carla", "contributors"), person("bob", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    decide_printer(client, PrinterSubmission.objects.get(), mona, decision="approve")
    submit_printer(client, new_printer(name="ACME Ender 3 Pro (bob's)"), headers=bob.bearer)
    bobs = PrinterSubmission.objects.get(submitter=bob.user)

    assert decide_printer(client, bobs, mona, decision="approve").status_code == 200

    row = CommunityPrinter.objects.get()
    assert (row.name, row.submitted_by, row.submission) == ("ACME Ender 3 Pro (bob's)", bob.user, bobs)


def test_a_shipped_printers_id_keeps_the_shipped_definition(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    shipped = printer_definition("creality-ender3-pro-4.2.2")
    edited = {**new_printer(printer_id="creality-ender3-pro-4.2.2"), "name": "Ender 3 Pro, my edit"}
    before = client.get("/api/printers-catalog/creality-ender3-pro-4.2.2/printer.cfg").content

    submitted = submit_printer(client, edited, headers=carla.bearer)
    decided = decide_printer(client, PrinterSubmission.objects.get(), mona, decision="approve")

    assert submitted.status_code == 201, submitted.content
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "approved"
    assert decided.json()["file_path"] == "printers/definitions/creality-ender3-pro-4.2.2.json"
    assert CommunityPrinter.objects.count() == 0
    listed = [entry for entry in client.get("/api/printers-catalog/").json() if entry["id"] == edited["id"]]
    assert [(entry["name"], entry["source"]) for entry in listed] == [(shipped["name"], "repository")]
    assert client.get("/api/printers-catalog/creality-ender3-pro-4.2.2/").json() == shipped
    assert client.get("/api/printers-catalog/creality-ender3-pro-4.2.2/printer.cfg").content == before


def test_a_community_row_with_a_shipped_id_is_left_out(client):
    shipped = printer_definition("corexy-octopus-v1.1")
    CommunityPrinter.objects.create(
        pk="corexy-octopus-v1.1",
        definition={**shipped, "name": "an older community copy"},
        name="an older community copy",
        manufacturer=shipped["manufacturer"],
        kinematics=shipped["kinematics"],
        main_board=shipped["boards"]["main"],
    )

    listed = [entry for entry in client.get("/api/printers-catalog/").json() if entry["id"] == "corexy-octopus-v1.1"]

    assert [(entry["name"], entry["source"]) for entry in listed] == [(shipped["name"], "repository")]
    assert client.get("/api/printers-catalog/corexy-octopus-v1.1/").json()["name"] == shipped["name"]


def test_approval_refuses_a_definition_whose_board_is_gone(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()
    Board.objects.filter(pk="creality-4.2.2").delete()

    decided = decide_printer(client, submission, mona, decision="approve")

    assert decided.status_code == 400
    assert decided.json()["errors"][0]["path"] == "/boards/main"
    submission.refresh_from_db()
    assert (submission.state, CommunityPrinter.objects.count()) == ("pending", 0)
