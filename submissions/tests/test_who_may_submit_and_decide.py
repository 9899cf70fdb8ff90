"""Contributors and signed-up accounts submit (by session or key); others are refused; only moderators decide."""

import pytest
from django.test import Client

from accounts.models import SignUp
from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, submit

pytestmark = pytest.mark.django_db


def test_nobody_signed_in_is_a_401_asking_for_a_key(client):
    response = submit(client, new_board())

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert BoardSubmission.objects.count() == 0


def test_an_operator_may_not_submit(client, signed_in):
    signed_in("olga", "operators")

    response = submit(client, new_board())

    assert response.status_code == 403
    assert "contributors" in response.json()["detail"]


def test_a_signed_up_account_submits_before_it_is_confirmed(client, person):
    sam = person("sam")
    SignUp.objects.create(user=sam.user)
    client.force_login(sam.user)

    assert submit(client, new_board()).status_code == 201


def test_a_contributors_key_submits_without_a_session(client, person):
    carla = person("carla", "contributors")

    response = submit(client, new_board(), headers=carla.bearer)

    assert response.status_code == 201, response.content
    assert BoardSubmission.objects.get().submitter == carla.user


def test_a_session_write_without_the_csrf_token_is_refused(person):
    carla = person("carla", "contributors")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(carla.user)

    response = submit(strict, new_board())

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert BoardSubmission.objects.count() == 0


def test_only_moderators_decide_and_see_others_submissions(client, signed_in, person):
    submit(client, new_board(), headers=person("carla", "contributors").bearer)
    submission = BoardSubmission.objects.get()
    bob = person("bob", "contributors", "operators")

    other = client.get(f"/api/board-submissions/{submission.pk}/", **bob.bearer)
    decided = client.post(
        f"/api/board-submissions/{submission.pk}/decision",
        {"decision": "approve"},
        content_type="application/json",
        **bob.bearer,
    )
    queue = client.get("/api/board-submissions/?review=true", **bob.bearer)

    assert other.status_code == 404
    assert decided.status_code == 404
    assert queue.status_code == 403
    submission.refresh_from_db()
    assert submission.state == "pending"
