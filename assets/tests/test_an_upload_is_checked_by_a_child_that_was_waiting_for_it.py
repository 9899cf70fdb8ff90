"""The image checker's child is started before the upload arrives: the upload itself starts no process."""

import functools
import threading

from assets import inspection
from assets.tests import crash_helpers
from assets.tests.conftest import png_bytes


def test_the_upload_goes_to_a_waiting_child_and_starts_none(api, monkeypatch, tmp_path):
    folder = tmp_path / "pids"
    folder.mkdir()
    monkeypatch.setattr(
        inspection, "_check_in_child", functools.partial(crash_helpers.record_pid_and_check, str(folder))
    )
    starts_here = []
    start_process = inspection._Checkers._start_process

    def counting_start(self):
        if threading.get_ident() == request_thread:
            starts_here.append(1)
        return start_process(self)

    monkeypatch.setattr(inspection._Checkers, "_start_process", counting_start)
    request_thread = threading.get_ident()  # the test client answers in this thread
    assert inspection.warm_up(timeout=30)
    waiting = inspection.ready_checker_pids()

    response = api.upload(png_bytes(50, 40))

    assert response.status_code == 201, response.content
    [checker] = crash_helpers.recorded_pids(folder)
    assert checker == waiting[0]
    assert starts_here == []
    # Its replacement is started in the background.
    assert inspection.warm_up(timeout=30)
    assert checker not in inspection.ready_checker_pids()
