"""Rejecting needs a note the submitter sees; his next submission of the board is a new revision, pending again,
and a revision replacing a pending one keeps the history."""

import pytest

from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, submit

pytestmark = pytest.mark.django_db


def _decide(client, submission, moderator, **body):
    return client.post(
        f"/api/board-submissions/{submission.pk}/decision", body, content_type="application/json", **moderator.bearer
    )


def test_reject_with_a_note_then_revise(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit(client, new_board(), headers=carla.bearer)
    submission = BoardSubmission.objects.get()

    without_note = _decide(client, submission, mona, decision="reject")
    rejected = _decide(client, submission, mona, decision="reject", notes="Pin 3 of EXP1 is PB1 on my board.")
    client.force_login(carla.user)
    mine = client.get("/submissions").content.decode()
    revised = submit(client, new_board(name="ACME Mini V1 (fixed)"))

    assert without_note.status_code == 400
    assert rejected.json()["state"] == "rejected"
    assert "Pin 3 of EXP1 is PB1 on my board." in mine
    assert f"/board-designer?submission={submission.pk}" in mine
    body = revised.json()
    assert (body["id"], body["state"]) == (submission.pk, "pending")
    assert [(r["number"], r["outcome"]) for r in body["revisions"]] == [(2, "pending"), (1, "rejected")]
    assert body["revisions"][1]["notes"] == "Pin 3 of EXP1 is PB1 on my board."


def test_a_new_revision_replaces_the_pending_one(client, person):
    carla = person("carla", "contributors")
    submit(client, new_board(), headers=carla.bearer)

    again = submit(client, new_board(name="ACME Mini V1 rev B"), headers=carla.bearer).json()

    assert BoardSubmission.objects.count() == 1
    assert [(r["number"], r["outcome"]) for r in again["revisions"]] == [(2, "pending"), (1, "replaced")]
    assert again["definition"]["name"] == "ACME Mini V1 rev B"


def test_a_decided_submission_is_not_decided_again(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit(client, new_board(), headers=carla.bearer)
    submission = BoardSubmission.objects.get()
    _decide(client, submission, mona, decision="approve")

    again = _decide(client, submission, mona, decision="reject", notes="no")

    assert again.status_code == 409
