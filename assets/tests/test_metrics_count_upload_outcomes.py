"""Each board-asset upload counts in /metrics: accepted, or refused with its reason."""

import pytest

from assets.tests.conftest import png_bytes
from klipperiwc_site.tests.metrics_scrape import scrape, value

UPLOADS = "klipperiwc_board_asset_uploads_total"


@pytest.mark.django_db
def test_accepted_and_refused_uploads_are_counted_by_reason(api, client, settings):
    before = scrape(client)
    picture = png_bytes(32, 32, (1, 2, 3))

    assert api.upload(picture).status_code == 201
    assert api.upload(picture).status_code == 409  # the same file again
    assert api.upload(b"just some text, not an image", name="notes.png").status_code == 415
    settings.BOARD_ASSET_MAX_BYTES = 1000
    assert api.upload(png_bytes(400, 400, (9, 9, 9)) + b"\0" * 2000).status_code == 413

    after = scrape(client)

    def moved(**labels):
        return value(after, UPLOADS, **labels) - value(before, UPLOADS, **labels)

    assert moved(outcome="accepted", reason="none") == 1
    assert moved(outcome="refused", reason="duplicate") == 1
    assert moved(outcome="refused", reason="unsupported_type") == 1
    assert moved(outcome="refused", reason="too_large") == 1
