"""The printer tests need the board catalog loaded (sync_boards), as a deployed hub has it."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def catalog(db):
    call_command("sync_boards", stdout=io.StringIO())
