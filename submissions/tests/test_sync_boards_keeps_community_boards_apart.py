"""sync_boards leaves community boards alone when their id has no file, and a repository file with the id wins."""

import io

import pytest
from django.core.management import call_command

from boards.models import Board
from submissions.models import BoardSubmission
from submissions.services import submission_approve
from submissions.tests.conftest import new_board, submit

pytestmark = pytest.mark.django_db


def test_a_community_board_survives_sync_and_a_shipped_id_stays_the_repositorys(client, person):
    call_command("sync_boards", stdout=io.StringIO())
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    submit(client, new_board(), headers=carla.bearer)
    shipped = new_board(board_id="btt-skr-pico-v1.0", name="SKR Pico, community edit")
    submit(client, shipped, headers=carla.bearer)
    for submission in BoardSubmission.objects.all():
        submission_approve(submission=submission, moderator=mona.user)

    call_command("sync_boards", stdout=io.StringIO())

    assert Board.objects.get(pk="acme-mini-v1").source == "community"
    pico = Board.objects.get(pk="btt-skr-pico-v1.0")
    assert (pico.source, pico.name) == ("repository", "BIGTREETECH SKR Pico V1.0")
    # The edit of the shipped board waits for a pull request: the repository file has not changed.
    states = dict(BoardSubmission.objects.values_list("board_id", "state"))
    assert states == {"acme-mini-v1": "approved", "btt-skr-pico-v1.0": "approved"}
