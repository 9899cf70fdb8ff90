"""Many requests for a thumbnail nobody fetched yet, at once: one of them fetches it from Moonraker and stores it
(one row, one file); the others wait for it and answer the same bytes."""

import threading

import pytest
from django.db import connection
from django.test import Client

from control.models import PrinterThumbnail
from control.tests.conftest import Answer, stored_thumbnails
from control.tests.thumbnail_fakes import PNG, serve_file

pytestmark = [pytest.mark.on_postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
REQUESTS = 8


def test_concurrent_first_requests_fetch_and_store_once(fake_moonraker, moonraker_row, thumbnail_storage_dir):
    serve_file(fake_moonraker, "cube.gcode")
    # The image takes a while: every request arrives while the first one is fetching.
    fake_moonraker.answer("GET", "/server/files/gcodes/.thumbs/cube-300x200.png", Answer(200, PNG, seconds=0.5))
    moonraker_row(fake_moonraker.url)
    start = threading.Barrier(REQUESTS)
    answers = []

    def request():
        try:
            start.wait(10)
            response = Client().get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})
            answers.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert answers == [(200, PNG)] * REQUESTS
    downloads = [seen for seen in fake_moonraker.requests if seen.path.startswith("/server/files/gcodes/")]
    assert len(downloads) == 1
    assert [seen.path for seen in fake_moonraker.requests].count("/server/files/metadata") == 1
    [row] = PrinterThumbnail.objects.all()
    assert (row.state, row.claim, row.pending_key) == ("stored", "", "")
    assert stored_thumbnails(thumbnail_storage_dir) == [row.storage_key]
