"""Approving puts the board into the catalog (community, submitter credited, picture approved and shown);
its file is the one that would be committed, and sync_boards accepts it next to the shipped files."""

import shutil

import pytest

from assets.models import BoardAsset
from boards.definition_files import definition_file_text
from boards.models import Board
from boards.services import boards_sync
from boards.validation import DEFINITIONS_DIR
from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board, picture, submit, with_shapes

pytestmark = pytest.mark.django_db


def test_an_approved_board_is_in_the_library_with_its_picture_and_file(client, person, tmp_path):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit(client, with_shapes(new_board()), with_picture=picture(), headers=carla.bearer)
    submission = BoardSubmission.objects.get()

    decided = client.post(
        f"/api/board-submissions/{submission.pk}/decision",
        {"decision": "approve", "notes": "Thanks!"},
        content_type="application/json",
        **mona.bearer,
    )

    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "approved"
    board = Board.objects.get(pk="acme-mini-v1")
    assert (board.source, board.submitted_by, board.submission) == ("community", carla.user, submission)
    assert board.picture == BoardAsset.objects.get()
    assert board.picture.status == "approved"
    library = client.get("/boards?source=community").content.decode()
    assert 'data-board="acme-mini-v1"' in library
    page = client.get("/boards/acme-mini-v1").content.decode()
    assert "submitted by <strong" in page
    assert "carla" in page

    downloaded = client.get(f"/api/board-submissions/{submission.pk}/file", **carla.bearer)
    from_library = client.get("/boards/acme-mini-v1/file")
    assert downloaded["Content-Disposition"] == 'attachment; filename="acme-mini-v1.json"'
    assert downloaded.content.decode() == definition_file_text(board.definition)
    assert from_library.content == downloaded.content
    assert downloaded.content.decode().startswith('{\n  "$schema": "../../schema/board-definition.v1.json",\n')

    # Committed next to the shipped files, sync_boards takes it as a repository board.
    repository = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, repository)
    (repository / "acme-boards").mkdir()
    (repository / "acme-boards" / "acme-mini-v1.json").write_bytes(downloaded.content)
    report = boards_sync(directory=repository)
    assert report.invalid == {}
    assert report.merged == ["acme-mini-v1"]
    board.refresh_from_db()
    submission.refresh_from_db()
    assert (board.source, submission.state) == ("repository", "merged")
    assert board.picture is not None
