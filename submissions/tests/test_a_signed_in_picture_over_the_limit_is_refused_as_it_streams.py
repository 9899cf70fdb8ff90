"""A signed-in session's submission (CSRF-checked, which reads the form) still stops a picture over
BOARD_ASSET_MAX_BYTES with a 413 while it streams in, and keeps nothing."""

import io
import json

import pytest
from django.test import Client

from assets.models import BoardAsset
from assets.tests.conftest import stored_files
from submissions.models import BoardSubmission
from submissions.tests.conftest import new_board

pytestmark = pytest.mark.django_db


def test_the_limit_holds_for_a_session_with_its_csrf_token(person, settings, asset_storage_dir):
    settings.BOARD_ASSET_MAX_BYTES = 10_000
    carla = person("carla", "contributors")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(carla.user)
    browser.get("/board-designer")  # sets the CSRF cookie, as the page does
    token = browser.cookies["csrftoken"].value
    big = io.BytesIO(b"\x89PNG" + b"\0" * 200_000)
    big.name = "huge.png"

    response = browser.post(
        "/api/board-submissions/", {"definition": json.dumps(new_board()), "picture": big}, HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 413, response.content
    assert "(BOARD_ASSET_MAX_BYTES)" in response.json()["detail"]  # the streaming limit's answer, not the late check
    assert BoardSubmission.objects.count() == 0
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []
