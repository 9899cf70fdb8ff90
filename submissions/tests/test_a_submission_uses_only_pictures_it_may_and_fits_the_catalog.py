"""A submission may name only an approved public asset (or its own earlier picture); a definition the
catalog's columns or the database cannot take is a 400 by JSON path, not a 500 at approval."""

import io
import json

import pytest

from assets.models import BoardAsset
from assets.tests.conftest import png_bytes
from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, picture, submit, with_shapes

pytestmark = pytest.mark.django_db


def _someone_elses_pending_asset(client, person) -> str:
    upload = io.BytesIO(png_bytes(64, 48, (1, 2, 3)))
    upload.name = "private.png"
    response = client.post("/api/board-assets/", {"file": upload}, **person("other", "contributors").bearer)
    assert response.status_code == 201
    return response.json()["id"]


def test_naming_someone_elses_pending_asset_is_refused(client, person):
    carla = person("carla", "contributors")
    other = _someone_elses_pending_asset(client, person)
    definition = with_shapes(new_board())
    definition["images"][0]["file"] = f"board-asset:{other}"

    response = submit(client, definition, headers=carla.bearer)

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "/images/0/file"
    assert BoardSubmission.objects.count() == 0


def test_a_revision_keeps_its_own_pending_picture(client, person):
    carla = person("carla", "contributors")
    first = submit(client, with_shapes(new_board()), with_picture=picture(), headers=carla.bearer).json()

    again = submit(client, first["definition"], headers=carla.bearer)

    assert again.status_code == 201, again.content
    assert [r["picture"] for r in again.json()["revisions"]] == [str(BoardAsset.objects.get().pk)] * 2


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(name="N" * 201), "/name"),
        (lambda d: d.update(revision="R" * 51), "/revision"),
        (lambda d: d["mcu"].update(chip="c" * 51), "/mcu/chip"),
        (lambda d: d.update(notes=["bad \u0000 byte"]), ""),
    ],
)
def test_what_the_catalog_cannot_store_is_a_400_by_path(client, person, change, path):
    carla = person("carla", "contributors")
    definition = new_board()
    change(definition)

    response = client.post("/api/board-submissions/", {"definition": json.dumps(definition)}, **carla.bearer)

    assert response.status_code == 400, response.content
    assert path in [error["path"] for error in response.json()["errors"]]
    assert BoardSubmission.objects.count() == 0
