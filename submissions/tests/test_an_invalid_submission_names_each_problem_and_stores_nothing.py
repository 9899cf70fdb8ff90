"""An invalid definition is a 400 naming each problem by JSON path; no submission, asset or file is kept."""

import pytest

from assets.models import BoardAsset
from assets.tests.conftest import stored_files
from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, picture, submit

pytestmark = pytest.mark.django_db


def test_problems_come_back_by_path_and_nothing_is_half_stored(client, signed_in, asset_storage_dir):
    signed_in("carla", "contributors")
    broken = new_board()
    broken["connectors"][4]["pins"][0]["mcu_pin"] = "gpio99"

    response = submit(client, broken, with_picture=picture())

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The definition is not valid; fix these first."
    assert any(error["path"].startswith("/connectors/4/pins/0") for error in body["errors"])
    assert BoardSubmission.objects.count() == 0
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_definition_that_is_not_json_is_a_400_naming_the_field(client, signed_in):
    signed_in("carla", "contributors")

    response = client.post("/api/board-submissions/", {"definition": "{not json"})

    assert response.status_code == 400
    assert "definition" in response.json()
    assert BoardSubmission.objects.count() == 0


def test_a_picture_that_is_not_an_image_is_refused_and_nothing_is_kept(client, signed_in, asset_storage_dir):
    import io

    signed_in("carla", "contributors")
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "board.png"

    response = submit(client, new_board(), with_picture=fake)

    assert response.status_code in (400, 415)
    assert BoardSubmission.objects.count() == 0
    assert stored_files(asset_storage_dir) == []
