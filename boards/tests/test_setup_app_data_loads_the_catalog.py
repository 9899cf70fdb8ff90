"""deploy.sh and the Docker image run `manage.py setup_app_data`, which loads the board catalog."""

import io

import pytest
from django.core.management import call_command

from boards.models import Board
from boards.validation import definition_paths

pytestmark = pytest.mark.django_db


def test_setup_app_data_syncs_the_board_definitions():
    out = io.StringIO()
    call_command("setup_app_data", stdout=out)
    assert Board.objects.count() == len(definition_paths())
    assert "Board catalog:" in out.getvalue()
