"""A large G-code upload goes request -> temporary file -> Moonraker in pieces: memory stays small."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import encode_multipart

from control.api.views import PrinterFilesView
from control.tests.conftest import CONTROL_HEADERS, audit_rows

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SIZE = 64 * 1024 * 1024


def test_memory_stays_far_below_the_file_size(fake_moonraker, moonraker_row, settings):
    settings.PRINTER_FILE_MAX_BYTES = 2 * SIZE
    fake_moonraker.result("POST", "/server/files/upload", {"item": {"path": "huge.gcode", "size": SIZE}}, status=201)
    moonraker_row(fake_moonraker.url)
    line = b"G1 X10.000 Y10.000 E0.01000\n"
    content = line * (SIZE // len(line))
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("huge.gcode", content)})
    # Built before measuring: the test's own copy of the body is not the server's memory.
    request = RequestFactory().post(
        "/api/printers/voron/files", data=body, content_type="multipart/form-data; boundary=BoUnDaRy", **CONTROL_HEADERS
    )
    del body

    tracemalloc.start()
    try:
        response = PrinterFilesView.as_view()(request, slug="voron")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 201, response.data
    [seen] = fake_moonraker.requests
    assert seen.body_bytes > len(content)  # all of it arrived (with its multipart framing)
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {SIZE / 1e6:.0f} MB file"
    assert audit_rows()[0]["arguments"]["size"] == len(content)
