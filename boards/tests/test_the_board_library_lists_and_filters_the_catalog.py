"""/boards lists every catalog board and filters by search, manufacturer, MCU, connector kinds and source."""

import io
import re

import pytest
from django.core.management import call_command

from boards.models import Board

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    call_command("sync_boards", stdout=io.StringIO())
    return set(Board.objects.values_list("pk", flat=True))


def shown(client, query: str = "") -> set[str]:
    page = client.get(f"/boards{query}")
    assert page.status_code == 200
    return set(re.findall(r'data-board="([^"]+)"', page.content.decode()))


def test_every_board_is_listed_without_filters(client, catalog):
    assert shown(client) == catalog


def test_each_filter_narrows_the_list(client, catalog):
    assert shown(client, "?q=octopus") == {"btt-octopus-v1.1"}
    assert shown(client, "?manufacturer=creality") == {"creality-4.2.2"}
    assert shown(client, "?mcu=rp2040") == {"btt-skr-pico-v1.0"}
    with_can = {
        board.pk for board in Board.objects.all() if any(c["kind"] == "can" for c in board.definition["connectors"])
    }
    assert shown(client, "?kind=can") == with_can
    assert shown(client, "?kind=can&kind=stepper") <= with_can
    assert shown(client, "?source=community") == set()
    assert shown(client, "?source=repository") == catalog


def test_unknown_filter_values_match_nothing_or_are_ignored(client, catalog):
    assert shown(client, "?manufacturer=nobody") == set()
    assert shown(client, "?kind=teleporter") == catalog  # not a connector kind: no filter
    assert "No board matches these filters." in client.get("/boards?q=zzzz").content.decode()
