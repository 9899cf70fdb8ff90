"""An upload larger than PRINTER_FILE_MAX_BYTES is a 413 while it streams in; Moonraker gets none of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import encode_multipart

from assets.api.uploads import MULTIPART_OVERHEAD_BYTES
from control.api.views import PrinterFilesView
from control.tests.conftest import CONTROL_HEADERS, audit_rows

pytestmark = pytest.mark.django_db


def test_a_file_over_the_limit_is_a_413_and_recorded(control, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_FILE_MAX_BYTES = 1000
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "files", data={"file": SimpleUploadedFile("big.gcode", b"G1 X1\n" * 200)})

    assert response.status_code == 413
    assert "1000 bytes (PRINTER_FILE_MAX_BYTES)" in response.json()["detail"]
    assert fake_moonraker.requests == []
    [row] = audit_rows()
    assert (row["action"], row["outcome"], row["status_code"]) == ("upload", "rejected", 413)


def test_a_file_at_the_limit_is_taken(control, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_FILE_MAX_BYTES = 1200
    fake_moonraker.result("POST", "/server/files/upload", {"item": {"path": "big.gcode", "size": 1200}}, status=201)
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "files", data={"file": SimpleUploadedFile("big.gcode", b"G1 X1\n" * 200)})

    assert response.status_code == 201


def test_the_size_is_counted_as_it_streams_in(fake_moonraker, moonraker_row, settings):
    """A body whose announced size is within the multipart allowance is still cut off once the file passes the limit."""
    settings.PRINTER_FILE_MAX_BYTES = 100_000
    moonraker_row(fake_moonraker.url)
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("big.gcode", b"G1 X1\n" * 26_000)})
    assert 100_000 + MULTIPART_OVERHEAD_BYTES > len(body) > 150_000
    request = RequestFactory().post(
        "/api/printers/voron/files", data=body, content_type="multipart/form-data; boundary=BoUnDaRy", **CONTROL_HEADERS
    )
    reads = []
    stream = request.META["wsgi.input"]
    original_read = stream.read
    stream.read = lambda size=-1: reads.append(len(chunk := original_read(size))) or chunk

    response = PrinterFilesView.as_view()(request, slug="voron")

    assert response.status_code == 413
    assert sum(reads) < len(body)  # the rest was never read
    assert fake_moonraker.requests == []


def test_an_announced_oversize_body_is_refused_before_it_is_read(fake_moonraker, moonraker_row, settings):
    settings.PRINTER_FILE_MAX_BYTES = 1000
    moonraker_row(fake_moonraker.url)
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("big.gcode", b"G1 X1\n" * 100_000)})
    request = RequestFactory().post(
        "/api/printers/voron/files", data=body, content_type="multipart/form-data; boundary=BoUnDaRy", **CONTROL_HEADERS
    )
    read = []
    stream = request.META["wsgi.input"]
    original_read = stream.read
    stream.read = lambda size=-1: read.append(size) or original_read(size)

    response = PrinterFilesView.as_view()(request, slug="voron")

    assert response.status_code == 413
    assert read == []
    assert audit_rows()[0]["status_code"] == 413
