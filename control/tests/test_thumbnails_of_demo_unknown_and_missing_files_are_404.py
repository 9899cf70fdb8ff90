"""A demo printer, an unknown printer and a file the printer does not have: 404 JSON, nothing stored."""

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import stored_thumbnails
from control.tests.thumbnail_fakes import serve_file
from status.models import Printer

pytestmark = pytest.mark.django_db


def test_a_demo_printer_has_no_thumbnails(client, db):
    Printer.objects.get_or_create(slug="demo", defaults={"name": "Demo", "source_kind": "demo"})

    response = client.get("/api/printers/demo/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 404
    assert "demo printer" in response.json()["detail"]


def test_an_unknown_printer_is_a_404(client, db):
    response = client.get("/api/printers/nope/thumbnail", {"file": "cube.gcode"})

    assert response.status_code == 404
    assert "'nope'" in response.json()["detail"]


def test_a_file_the_printer_does_not_have_is_a_404_and_leaves_no_row(
    client, fake_moonraker, moonraker_row, thumbnail_storage_dir
):
    serve_file(fake_moonraker, "cube.gcode")
    moonraker_row(fake_moonraker.url)

    response = client.get("/api/printers/voron/thumbnail", {"file": "other.gcode"})

    assert response.status_code == 404
    assert "other.gcode" in response.json()["detail"]
    assert not PrinterThumbnail.objects.exists()
    assert stored_thumbnails(thumbnail_storage_dir) == []
