"""One child per upload: it checks one file and exits; uploads at the same time each get their own."""

import functools
import threading
from pathlib import Path

from assets import inspection
from assets.tests import crash_helpers
from assets.tests.checker_processes import is_running, wait_for
from assets.tests.conftest import png_bytes


def test_two_uploads_are_checked_by_two_children_and_each_exits_after_its_upload(api, monkeypatch, tmp_path):
    folder = tmp_path / "pids"
    folder.mkdir()
    monkeypatch.setattr(
        inspection, "_check_in_child", functools.partial(crash_helpers.record_pid_and_check, str(folder))
    )

    assert api.upload(png_bytes(50, 41)).status_code == 201
    assert api.upload(png_bytes(50, 42)).status_code == 201

    first, second = crash_helpers.recorded_pids(folder)
    assert first != second
    wait_for(lambda: not is_running(first) and not is_running(second), timeout=10, what="both children to exit")


class SpooledUpload:
    """What Django hands over for an upload spooled to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def temporary_file_path(self) -> str:
        return str(self.path)


def test_uploads_at_the_same_time_each_get_a_child_of_their_own(monkeypatch, tmp_path):
    folder = tmp_path / "pids"
    folder.mkdir()
    monkeypatch.setattr(
        inspection, "_check_in_child", functools.partial(crash_helpers.record_pid_and_check, str(folder))
    )
    uploads = 2 * inspection.CONCURRENT_CHECKS
    files = []
    for number in range(uploads):
        files.append(tmp_path / f"upload-{number}.png")
        files[-1].write_bytes(png_bytes(60 + number, 40))
    assert inspection.warm_up(timeout=30)
    begin = threading.Barrier(uploads)
    answers: dict[int, tuple] = {}

    def upload(number: int) -> None:
        begin.wait()
        inspected, thumbnail = inspection.inspect_and_thumbnail(SpooledUpload(files[number]), max_pixels=10_000)
        answers[number] = (inspected.width, thumbnail[:4] if thumbnail else None)

    threads = [threading.Thread(target=upload, args=(number,)) for number in range(uploads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == {number: (60 + number, b"RIFF") for number in range(uploads)}
    pids = crash_helpers.recorded_pids(folder)
    assert len(pids) == uploads
    assert len(set(pids)) == uploads
