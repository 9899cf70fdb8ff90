"""Rejecting a printer needs a note the submitter sees; his next submission of the printer is revision 2, pending
again; a revision replacing a pending one keeps the history; after an approval the next one starts afresh."""

import pytest

from submissions.models import PrinterSubmission
from submissions.tests.conftest import decide_printer, new_printer, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_reject_with_a_note_then_revise(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()

    without_note = decide_printer(client, submission, mona, decision="reject")
    blank_note = decide_printer(client, submission, mona, decision="reject", notes="   ")
    rejected = decide_printer(client, submission, mona, decision="reject", notes="The Z lead screw is an 8 mm one.")
    client.force_login(carla.user)
    mine = client.get("/submissions").content.decode()
    fixed = new_printer(name="ACME Ender 3 Pro (fixed)")
    fixed["axes"]["z"]["steppers"][0]["lead_screw"]["starts"] = 2
    revised = submit_printer(client, fixed)

    assert without_note.status_code == 400
    assert "note" in without_note.json()["detail"]
    assert blank_note.status_code == 400
    assert rejected.json()["state"] == "rejected"
    assert "The Z lead screw is an 8 mm one." in mine
    assert f"/printer-designer?submission={submission.pk}" in mine
    assert revised.status_code == 201, revised.content
    body = revised.json()
    assert (body["id"], body["state"]) == (submission.pk, "pending")
    assert [(r["number"], r["outcome"]) for r in body["revisions"]] == [(2, "pending"), (1, "rejected")]
    assert body["revisions"][1]["notes"] == "The Z lead screw is an 8 mm one."
    assert body["definition"]["name"] == "ACME Ender 3 Pro (fixed)"
    queue = client.get("/api/printer-submissions/?review=true", **mona.bearer).json()
    assert [(entry["id"], entry["revisions"][0]["number"]) for entry in queue["results"]] == [(submission.pk, 2)]


def test_a_new_revision_replaces_the_pending_one(client, person):
    carla = person("carla", "contributors")
    submit_printer(client, new_printer(), headers=carla.bearer)

    again = submit_printer(client, new_printer(name="ACME Ender 3 Pro rev B"), headers=carla.bearer).json()

    assert PrinterSubmission.objects.count() == 1
    assert [(r["number"], r["outcome"]) for r in again["revisions"]] == [(2, "pending"), (1, "replaced")]
    assert again["definition"]["name"] == "ACME Ender 3 Pro rev B"


def test_after_an_approval_the_same_id_starts_a_new_submission(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    first = PrinterSubmission.objects.get()
    decide_printer(client, first, mona, decision="approve")

    again = submit_printer(client, new_printer(name="ACME Ender 3 Pro v2"), headers=carla.bearer).json()

    assert again["id"] != first.pk
    assert [(r["number"], r["outcome"]) for r in again["revisions"]] == [(1, "pending")]
    first.refresh_from_db()
    assert first.state == "approved"


def test_two_people_submitting_one_id_are_two_submissions(client, person):
    carla, bob = person("carla", "contributors"), person("bob", "contributors")

    submit_printer(client, new_printer(), headers=carla.bearer)
    submit_printer(client, new_printer(), headers=bob.bearer)

    assert sorted(PrinterSubmission.objects.values_list("submitter__username", flat=True)) == ["bob", "carla"]
