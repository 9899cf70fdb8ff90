"""Printer submissions: contributors and signed-up accounts submit (by session or key), others are refused;
only moderators see the queue and decide, and a decided submission is not decided again."""

import pytest
from django.test import Client

from accounts.models import SignUp
from submissions.models import PrinterSubmission
from submissions.tests.conftest import decide_printer, new_printer, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_nobody_signed_in_is_a_401_asking_for_a_key(client):
    response = submit_printer(client, new_printer())

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/printer-submissions/").status_code == 401
    assert PrinterSubmission.objects.count() == 0


def test_an_account_without_the_role_may_not_submit(client, signed_in):
    signed_in("olga", "operators")

    response = submit_printer(client, new_printer())

    assert response.status_code == 403
    assert "contributors" in response.json()["detail"]
    assert PrinterSubmission.objects.count() == 0


def test_a_signed_up_account_submits_before_it_is_confirmed(client, person):
    sam = person("sam")
    SignUp.objects.create(user=sam.user)
    client.force_login(sam.user)

    assert submit_printer(client, new_printer()).status_code == 201


def test_a_session_write_without_the_csrf_token_is_refused(person):
    carla = person("carla", "contributors")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(carla.user)

    response = submit_printer(strict, new_printer())

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert PrinterSubmission.objects.count() == 0


def test_only_moderators_decide_and_see_others_submissions(client, person):
    carla = person("carla", "contributors")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()
    bob = person("bob", "contributors", "operators")

    other = client.get(f"/api/printer-submissions/{submission.pk}/", **bob.bearer)
    others_decision = decide_printer(client, submission, bob, decision="approve")
    own_decision = decide_printer(client, submission, carla, decision="approve")
    queue = client.get("/api/printer-submissions/?review=true", **bob.bearer)

    assert other.status_code == 404
    assert others_decision.status_code == 404
    assert own_decision.status_code == 403
    assert "moderators" in own_decision.json()["detail"]
    assert queue.status_code == 403
    submission.refresh_from_db()
    assert submission.state == "pending"


def test_moderators_see_the_queue_and_a_decided_submission_is_a_409(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()

    queue = client.get("/api/printer-submissions/?review=true", **mona.bearer).json()
    own = client.get("/api/printer-submissions/", **mona.bearer).json()
    approved = decide_printer(client, submission, mona, decision="approve")
    again = decide_printer(client, submission, mona, decision="reject", notes="no")
    after = client.get("/api/printer-submissions/?review=true", **mona.bearer).json()

    assert [entry["printer_id"] for entry in queue["results"]] == ["acme-ender3-pro"]
    assert own["count"] == 0
    assert approved.status_code == 200, approved.content
    assert again.status_code == 409
    assert "approved already" in again.json()["detail"]
    assert after["count"] == 0


def test_a_bad_review_flag_and_decision_are_400s(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()

    assert client.get("/api/printer-submissions/?review=yes", **mona.bearer).status_code == 400
    assert decide_printer(client, submission, mona, decision="merge").status_code == 400
    assert client.get("/api/printer-submissions/999999/", **mona.bearer).status_code == 404
