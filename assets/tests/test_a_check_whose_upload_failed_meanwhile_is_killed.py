"""When the web process's own part of an upload fails while the child checks, the child is killed and its slot freed."""

import functools

from django.db import OperationalError

from assets import inspection, services
from assets.models import BoardAsset
from assets.tests import crash_helpers
from assets.tests.checker_processes import is_running, wait_for
from assets.tests.conftest import png_bytes, stored_files


def test_a_database_error_during_the_check_kills_the_child(api, asset_storage_dir, monkeypatch, tmp_path):
    folder = tmp_path / "pids"
    folder.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(inspection, "_check_in_child", functools.partial(crash_helpers.record_pid_and_hang, str(folder)))

        def database_down(sha256):
            # The child has its job by now; wait until it has started on it.
            wait_for(lambda: crash_helpers.recorded_pids(folder), timeout=10, what="the child to take the upload")
            raise OperationalError("the database went away")

        patch.setattr(services, "_live_duplicate", database_down)
        # More failures than slots: none may stay taken by a child nobody waits for.
        for number in range(inspection.CONCURRENT_CHECKS + 1):
            assert inspection.warm_up(timeout=30)
            response = api.upload(png_bytes(80 + number, 40))
            assert response.status_code == 503, response.content
            pid = crash_helpers.recorded_pids(folder)[-1]
            wait_for(lambda pid=pid: not is_running(pid), timeout=2, what=f"the abandoned checker {pid} to be gone")

    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []
    assert api.upload(png_bytes(90, 40)).status_code == 201
