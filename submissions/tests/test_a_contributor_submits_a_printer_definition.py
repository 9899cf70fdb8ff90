"""A contributor's printer definition becomes a pending submission (revision 1) with its review page, its
file and its printer.cfg; a community board counts as one of its boards."""

import re

import pytest

from boards.validation import DEFINITIONS_DIR, definition_load
from submissions.models import BoardSubmission, PrinterSubmission
from submissions.tests.conftest import new_printer, submit, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

UTC_OFFSET = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00\Z")


def test_the_definition_becomes_a_pending_submission(client, signed_in):
    signed_in("carla", "contributors")

    response = submit_printer(client, new_printer())

    assert response.status_code == 201, response.content
    body = response.json()
    submission = PrinterSubmission.objects.get()
    assert (body["id"], body["printer_id"], body["state"], body["submitter"]) == (
        submission.pk,
        "acme-ender3-pro",
        "pending",
        "carla",
    )
    assert [(r["number"], r["outcome"], r["reviewer"]) for r in body["revisions"]] == [(1, "pending", None)]
    assert body["definition"] == new_printer()
    assert body["file_path"] == "printers/definitions/acme-ender3-pro.json"
    assert body["file_url"] == f"http://testserver/api/printer-submissions/{submission.pk}/file"
    assert body["review_url"] == f"http://testserver/submissions/printers/{submission.pk}"
    assert body["printer_cfg_url"] == f"http://testserver/api/printer-submissions/{submission.pk}/printer.cfg"
    assert UTC_OFFSET.match(body["created_at"])
    assert UTC_OFFSET.match(body["updated_at"])
    assert UTC_OFFSET.match(body["revisions"][0]["created_at"])
    assert submission.revisions.get().definition == new_printer()

    listed = client.get("/api/printer-submissions/").json()
    assert [entry["id"] for entry in listed["results"]] == [submission.pk]
    assert client.get(f"/api/printer-submissions/{submission.pk}/").json() == body
    config = client.get(body["printer_cfg_url"])
    assert config.status_code == 200
    assert config["Content-Type"].startswith("text/plain")
    assert "[printer]\nkinematics: cartesian" in config.content.decode()
    assert client.get(body["review_url"]).status_code == 200


def test_a_key_submits_and_the_board_list_stays_apart(client, person):
    carla = person("carla", "contributors")

    response = submit_printer(client, new_printer(), headers=carla.bearer)

    assert response.status_code == 201, response.content
    assert PrinterSubmission.objects.get().submitter == carla.user
    assert BoardSubmission.objects.count() == 0
    assert client.get("/api/board-submissions/", **carla.bearer).json()["count"] == 0


def test_a_community_board_is_a_board_of_the_catalog(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    board = definition_load(DEFINITIONS_DIR / "creality" / "creality-4.2.2.json")
    board.pop("$schema", None)
    board.update(id="acme-4.2.2", name="ACME 4.2.2 clone", manufacturer="ACME Boards")
    printer = new_printer()
    printer["boards"]["main"] = "acme-4.2.2"

    before = submit_printer(client, printer, headers=carla.bearer)
    submit(client, board, headers=carla.bearer)
    client.post(
        f"/api/board-submissions/{BoardSubmission.objects.get().pk}/decision",
        {"decision": "approve"},
        content_type="application/json",
        **mona.bearer,
    )
    after = submit_printer(client, printer, headers=carla.bearer)

    assert before.status_code == 400
    assert before.json()["errors"][0]["path"] == "/boards/main"
    assert after.status_code == 201, after.content
    assert after.json()["definition"]["boards"]["main"] == "acme-4.2.2"
