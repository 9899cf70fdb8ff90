"""The web process hashes an upload and looks for a duplicate while the child checks it, not after."""

import functools
from pathlib import Path

from assets import inspection, services
from assets.tests import crash_helpers
from assets.tests.conftest import png_bytes


def test_the_duplicate_lookup_happens_before_the_check_answers(api, monkeypatch, tmp_path):
    flag = tmp_path / "looked-up"
    # The child checks only once the web process has looked the file up ...
    waiting_check = functools.partial(crash_helpers.wait_for_file_then_check, str(flag))
    monkeypatch.setattr(inspection, "_check_in_child", waiting_check)
    live_duplicate = services._live_duplicate

    def looking_up(sha256):
        found = live_duplicate(sha256)
        Path(flag).touch()  # ... which it can only do while the child still works.
        return found

    monkeypatch.setattr(services, "_live_duplicate", looking_up)
    assert inspection.warm_up(timeout=30)

    response = api.upload(png_bytes(61, 40))

    assert response.status_code == 201, response.content
    assert flag.exists()


def test_a_duplicate_found_meanwhile_is_refused_only_after_the_check(api):
    content = png_bytes(62, 40)
    first = api.uploaded(content)

    again = api.upload(content)

    assert again.status_code == 409, again.content
    assert first["id"] in again.json()["detail"]
    assert api.upload(b"<html>not an image</html>").status_code == 415
