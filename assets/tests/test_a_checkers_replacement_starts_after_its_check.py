"""A used checker's replacement is started once its check is over, so that starting it takes no CPU from the check."""

import functools

from assets import inspection
from assets.tests import crash_helpers
from assets.tests.conftest import png_bytes


def test_no_child_starts_while_an_upload_is_checked(monkeypatch, tmp_path):
    flag = tmp_path / "go"
    waiting_check = functools.partial(crash_helpers.wait_for_file_then_check, str(flag))
    monkeypatch.setattr(inspection, "_check_in_child", waiting_check)
    assert inspection.warm_up(timeout=30)
    upload = tmp_path / "board.png"
    upload.write_bytes(png_bytes(64, 48))

    class SpooledUpload:
        def temporary_file_path(self):
            return str(upload)

    check = inspection.begin_check(SpooledUpload(), max_pixels=10_000)
    try:
        # While the check runs, the spare it took is not replaced (warm_up waits for all spares).
        assert not inspection.warm_up(timeout=1)
        assert len(inspection.ready_checker_pids()) == inspection.SPARE_CHECKERS - 1
    finally:
        flag.touch()
    inspected, thumbnail = check.result()

    assert (inspected.kind, inspected.width, inspected.height) == ("png", 64, 48)
    assert thumbnail
    assert inspection.warm_up(timeout=30)
