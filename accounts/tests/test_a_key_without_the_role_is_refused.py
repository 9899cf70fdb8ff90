"""A valid key whose owner lacks the endpoint's role is a 403 naming the role; nothing is done or recorded."""

import pytest

from assets.models import BoardAsset
from assets.tests.conftest import png_bytes
from status.models import Printer, PrinterAction

pytestmark = pytest.mark.django_db


def _upload(client, headers):
    import io

    picture = io.BytesIO(png_bytes())
    picture.name = "board.png"
    return client.post("/api/board-assets/", {"file": picture}, **headers)


def test_a_contributor_cannot_control_or_add_printers(client, person):
    carl = person("carl", "contributors", "moderators")

    control = client.post("/api/printers/demo/actions/restart", **carl.bearer)
    admin = client.post(
        "/api/printers/",
        {"slug": "x1", "name": "X1", "source_kind": "demo"},
        content_type="application/json",
        **carl.bearer,
    )

    for response in (control, admin):
        assert response.status_code == 403
        assert "operators" in response.json()["detail"]
    assert PrinterAction.objects.count() == 0
    assert not Printer.objects.filter(slug="x1").exists()


def test_an_operator_cannot_upload_or_moderate_board_pictures(client, person):
    olga = person("olga", "operators")

    upload = _upload(client, olga.bearer)
    queue = client.get("/api/board-assets/moderation/pending", **olga.bearer)

    assert upload.status_code == 403
    assert "contributors" in upload.json()["detail"]
    assert queue.status_code == 403
    assert "moderators" in queue.json()["detail"]
    assert BoardAsset.objects.count() == 0


def test_an_inactive_owners_key_is_refused(client, person):
    olga = person("olga", "operators", active=False)

    response = client.post("/api/printers/demo/actions/restart", **olga.bearer)

    assert response.status_code == 403
    assert "active API key" in response.json()["detail"]
