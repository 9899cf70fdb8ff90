"""A stored thumbnail whose file went missing from the store (an operator cleaned the folder) is fetched again,
not a 500: the row gets its file back."""

import pytest

from control.models import PrinterThumbnail
from control.tests.conftest import stored_thumbnails
from control.tests.thumbnail_fakes import PNG, asked, serve_file

pytestmark = pytest.mark.django_db
IMAGE = "/server/files/gcodes/.thumbs/cube-300x200.png"


def test_a_missing_copy_is_fetched_again(client, fake_moonraker, moonraker_row, thumbnail_storage_dir):
    serve_file(fake_moonraker, "cube.gcode")
    moonraker_row(fake_moonraker.url)
    assert client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"}).status_code == 200
    (thumbnail_storage_dir / PrinterThumbnail.objects.get().storage_key).unlink()

    again = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert (again.status_code, again.content) == (200, PNG)
    assert asked(fake_moonraker).count(IMAGE) == 2
    row = PrinterThumbnail.objects.get()
    assert stored_thumbnails(thumbnail_storage_dir) == [row.storage_key]
