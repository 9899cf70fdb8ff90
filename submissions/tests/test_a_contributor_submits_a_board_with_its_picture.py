"""A contributor's submission: a pending revision whose picture is a pending board asset in his name."""

import pytest

from assets.models import BoardAsset
from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, picture, submit, with_shapes

pytestmark = pytest.mark.django_db


def test_the_definition_and_its_picture_become_a_pending_submission(client, signed_in):
    carla = signed_in("carla", "contributors")

    response = submit(client, with_shapes(new_board()), with_picture=picture())

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["board_id"], body["state"], body["submitter"]) == ("acme-mini-v1", "pending", "carla")
    assert [revision["number"] for revision in body["revisions"]] == [1]
    assert body["file_path"] == "boards/definitions/acme-boards/acme-mini-v1.json"
    asset = BoardAsset.objects.get()
    assert (asset.status, asset.uploaded_by, asset.visibility) == ("pending", "carla", "public")
    revision = BoardSubmission.objects.get().revisions.get()
    assert revision.picture == asset
    assert revision.definition["images"][0]["file"] == f"board-asset:{asset.pk}"
    assert revision.definition["images"][0]["sha256"] == asset.sha256
    assert asset.events.get().user == carla.user


def test_a_json_body_without_a_picture_works_too(client, signed_in):
    signed_in("carla", "contributors")

    response = client.post("/api/board-submissions/", {"definition": new_board()}, content_type="application/json")

    assert response.status_code == 201, response.content
    assert BoardAsset.objects.count() == 0
