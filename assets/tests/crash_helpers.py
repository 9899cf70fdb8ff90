"""Stand-ins for the image checker's child-process entry point (imported by that child).

The recording ones take a folder first (bind it with functools.partial): the
child writes a file named after its pid there, so a test in the web process
learns which child checked which upload.
"""

import os
import time
from pathlib import Path

from assets import inspection


def die_like_a_crashed_decoder(path, data, max_pixels):
    os._exit(139)


def record_pid_and_check(folder, path, data, max_pixels):
    """Record this child's pid, then check the upload as the real checker does."""
    Path(folder, str(os.getpid())).write_text(str(time.monotonic()))
    return inspection._check_in_child(path, data, max_pixels)


def record_pid_and_hang(folder, path, data, max_pixels):
    """Record this child's pid, then never answer (as a decoder stuck in a hostile file)."""
    Path(folder, str(os.getpid())).write_text(str(time.monotonic()))
    while True:
        time.sleep(60)


def recorded_pids(folder) -> list[int]:
    """The pids recorded in ``folder``, in the order the children started their upload."""
    entries = [(float(entry.read_text()), int(entry.name)) for entry in Path(folder).iterdir()]
    return [pid for _, pid in sorted(entries)]


def wait_for_file_then_check(flag, path, data, max_pixels):
    """Check the upload only once ``flag`` exists (made by the web process while this child works).

    A child that waits 10 s in vain refuses the upload, naming why: the web process did not
    go on while its upload was being checked.
    """
    deadline = time.monotonic() + 10
    while not Path(flag).exists():
        if time.monotonic() > deadline:
            return ("rejected", "The web process did not work on while the child checked.", 400)
        time.sleep(0.005)
    return inspection._check_in_child(path, data, max_pixels)
