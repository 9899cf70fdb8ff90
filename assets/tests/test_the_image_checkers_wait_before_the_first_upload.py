"""A started web process has its image checkers ready before any upload: the forkserver (Pillow
loaded) and the spare children start with it, so the first upload does not wait for them."""

import pytest

from assets.inspection import SPARE_CHECKERS
from assets.tests.test_image_checker_processes_die_with_the_web_process import (
    command_line,
    daphne,  # noqa: F401 (a fixture)
    descendants,
    wait_for,
)

pytestmark = pytest.mark.slow


def test_the_forkserver_and_its_spare_children_run_before_any_upload(daphne):  # noqa: F811
    process, _url = daphne

    def spares_waiting():
        found = descendants(process.pid)
        forkserver = [pid for pid in found if "multiprocessing.forkserver" in command_line(pid)]
        children = [pid for pid, info in found.items() if forkserver and info and info[0] == forkserver[0]]
        return children if len(children) >= SPARE_CHECKERS else None

    children = wait_for(spares_waiting, timeout=30, what=f"{SPARE_CHECKERS} image checkers waiting, no upload made")
    assert len(children) == SPARE_CHECKERS
