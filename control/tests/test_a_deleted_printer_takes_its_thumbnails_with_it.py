"""Deleting a printer deletes its thumbnail rows and, once that is committed, their files."""

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import stored_thumbnails
from control.tests.thumbnail_fakes import serve_file
from status.models import Printer
from status.printer_services import printer_delete

pytestmark = pytest.mark.django_db


def test_the_files_go_with_the_printer(
    client, fake_moonraker, moonraker_row, thumbnail_storage_dir, django_capture_on_commit_callbacks
):
    serve_file(fake_moonraker, "cube.gcode")
    moonraker_row(fake_moonraker.url)
    assert client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"}).status_code == 200
    assert len(stored_thumbnails(thumbnail_storage_dir)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        printer_delete(printer=Printer.objects.get(slug="voron"))

    assert not PrinterThumbnail.objects.exists()
    assert stored_thumbnails(thumbnail_storage_dir) == []
