"""Submitting boards and printers: valid definitions of a new board and a new printer, and people with roles
(accounts/tests/conftest.py); printer submissions need the board catalog (the ``catalog`` fixture)."""

from __future__ import annotations

import copy
import io
import json

import pytest

from accounts.tests.conftest import person  # noqa: F401 (the fixture)
from assets.tests.conftest import asset_storage_dir, png_bytes  # noqa: F401 (the fixture)
from boards.validation import DEFINITIONS_DIR, definition_load
from printers.definitions import printer_definition
from printers.tests.conftest import catalog  # noqa: F401 (the fixture: sync_boards)

PASSWORD = "a-long-password-for-tests"


def new_board(board_id: str = "acme-mini-v1", name: str = "ACME Mini V1") -> dict:
    """A valid definition of a board the catalog does not have (the SKR Pico's pins, renamed)."""
    definition = copy.deepcopy(definition_load(DEFINITIONS_DIR / "bigtreetech" / "btt-skr-pico-v1.0.json"))
    definition.pop("$schema", None)
    definition.update(id=board_id, name=name, manufacturer="ACME Boards")
    return definition


def with_shapes(definition: dict) -> dict:
    """The definition with an image and its first two connectors drawn on it."""
    out = copy.deepcopy(definition)
    out["images"] = [{"id": "top", "file": "acme.png", "width": 64, "height": 48, "sha256": "0" * 64}]
    out["connectors"][0]["geometry"] = {"image": "top", "shape": "rect", "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.1}
    out["connectors"][1]["geometry"] = {"image": "top", "shape": "circle", "cx": 0.6, "cy": 0.5, "r": 0.05}
    return out


def picture(color=(30, 120, 200)):
    upload = io.BytesIO(png_bytes(64, 48, color))
    upload.name = "acme.png"
    return upload


def submit(client, definition: dict, *, with_picture=None, headers=None):
    data = {"definition": json.dumps(definition)}
    if with_picture is not None:
        data["picture"] = with_picture
    return client.post("/api/board-submissions/", data, **(headers or {}))


@pytest.fixture
def signed_in(client, person):  # noqa: F811
    def sign_in(username: str, *roles: str):
        someone = person(username, *roles)
        client.force_login(someone.user)
        return someone

    return sign_in


def new_printer(printer_id: str = "acme-ender3-pro", name: str = "ACME Ender 3 Pro") -> dict:
    """A valid definition of a printer the catalog does not have (the shipped Ender 3 Pro, renamed)."""
    definition = copy.deepcopy(printer_definition("creality-ender3-pro-4.2.2"))
    assert definition is not None
    definition.pop("$schema", None)
    definition.update(id=printer_id, name=name)
    return definition


def submit_printer(client, definition: object, *, headers=None):
    return client.post(
        "/api/printer-submissions/", {"definition": definition}, content_type="application/json", **(headers or {})
    )


def decide_printer(client, submission, moderator, **body):
    """A decision on a printer submission through the API, with the moderator's key."""
    return client.post(
        f"/api/printer-submissions/{submission.pk}/decision", body, content_type="application/json", **moderator.bearer
    )
