"""A checker child that does not answer in time is killed when its upload is refused, and frees its slot."""

import functools

from assets import inspection
from assets.models import BoardAsset
from assets.tests import crash_helpers
from assets.tests.checker_processes import is_running, wait_for
from assets.tests.conftest import png_bytes, stored_files


def test_a_hanging_checker_is_gone_right_after_the_timeout_answer(api, asset_storage_dir, monkeypatch, tmp_path):
    folder = tmp_path / "pids"
    folder.mkdir()
    monkeypatch.setattr(inspection, "RESULT_TIMEOUT_SECONDS", 2)
    with monkeypatch.context() as patch:
        patch.setattr(inspection, "_check_in_child", functools.partial(crash_helpers.record_pid_and_hang, str(folder)))
        # As many as there are slots: none may stay taken by a child that hangs.
        for number in range(inspection.CONCURRENT_CHECKS):
            assert inspection.warm_up(timeout=30)  # the 2 s are for the check, not for starting Pillow
            response = api.upload(png_bytes(40 + number, 40))
            assert response.status_code == 400, response.content
            assert "too long" in response.json()["detail"]
            pid = crash_helpers.recorded_pids(folder)[-1]
            wait_for(lambda pid=pid: not is_running(pid), timeout=2, what=f"the timed-out checker {pid} to be gone")

    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []
    assert api.upload(png_bytes(70, 40)).status_code == 201
