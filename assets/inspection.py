"""Uploaded images are checked and thumbnailed in a short-lived child process, not in the web server.

Decoding a 20 MB PNG needs its whole raster in memory (up to
BOARD_ASSET_MAX_PIXELS x 4 bytes), and the image decoder is the code an upload
exposes most to hostile files. So assets.validation runs in a child process
made for one upload and ended after it, which gives all its memory back: the
web process receives only the verdict, the image's description and the
thumbnail. Children fork from a forkserver that has Pillow loaded, so one
starts in milliseconds, and each runs under a memory and CPU-time limit.

The helper processes end with the web process, even when it is killed
(``kill -9``, the OOM killer): each child watches the web process and exits
when it is gone, and the forkserver and multiprocessing's resource tracker
exit by themselves once no process holds their pipes any more, that is when
the web process and the children are gone.

Nothing here imports Django: the forkserver and its children stay small.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import select
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from assets.validation import InspectedFile, RejectedFile, inspect_upload, make_thumbnail

# Python, Pillow and their libraries, plus room for a raster of max_pixels
# in RGBA and two working copies (thumbnail conversion).
BASE_ADDRESS_SPACE_BYTES = 768 * 1024 * 1024
BYTES_PER_PIXEL_BUDGET = 12
CPU_SECONDS = 60
RESULT_TIMEOUT_SECONDS = 120
WORKERS = 2

_executor: ProcessPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["assets.inspection"])
            _executor = ProcessPoolExecutor(
                max_workers=WORKERS,
                mp_context=context,
                max_tasks_per_child=1,
                initializer=_exit_with,
                initargs=(os.getpid(),),
            )
        return _executor


def _pool_discard(broken: ProcessPoolExecutor) -> None:
    global _executor
    with _executor_lock:
        if _executor is broken:
            _executor = None
    broken.shutdown(wait=False, cancel_futures=True)


def _exit_with(owner: int) -> None:
    """Runs first in each child: end the child when ``owner`` (the web process) ends.

    The child's parent is the forkserver, not the web process, and an idle
    child waits on a queue whose pipe it holds both ends of, so nothing else
    would end it; while it lives, it keeps the forkserver and the resource
    tracker alive too. On Linux (5.3+) a pidfd tells the moment the owner
    exits; elsewhere the child looks once a second.
    """
    try:
        handle = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(1)  # the owner is gone already
    except (AttributeError, OSError):
        handle = None
    threading.Thread(target=_wait_for_exit, args=(owner, handle), name="exit-with-owner", daemon=True).start()


def _wait_for_exit(owner: int, handle: int | None) -> None:
    if handle is not None:
        select.select([handle], [], [])  # readable once the owner has exited
    else:
        while _alive(owner):
            time.sleep(1)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_in_child(path: str | None, data: bytes | None, max_pixels: int):
    """Runs in the child. Returns ("ok", InspectedFile, thumbnail) or ("rejected", message, status)."""
    limit = BASE_ADDRESS_SPACE_BYTES + BYTES_PER_PIXEL_BUDGET * max_pixels
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    try:
        with open(path, "rb") if path is not None else io.BytesIO(data or b"") as file:
            inspected = inspect_upload(file, max_pixels=max_pixels)
            thumbnail = None if inspected.kind == "svg" else make_thumbnail(file, kind=inspected.kind)
    except RejectedFile as exc:
        # Exceptions with keyword-only arguments do not survive pickling; send the parts.
        return ("rejected", str(exc), exc.status_code)
    except MemoryError:
        return ("rejected", "The image needs more memory to decode than an upload may use.", 400)
    return ("ok", inspected, thumbnail)


def inspect_and_thumbnail(file, *, max_pixels: int) -> tuple[InspectedFile, bytes | None]:
    """inspect_upload and (for raster images) make_thumbnail, in a child process.

    ``file`` is an uploaded file: one Django spooled to disk is read there by
    the child; a small one in memory is sent to it. Raises RejectedFile.
    """
    path = file.temporary_file_path() if hasattr(file, "temporary_file_path") else None
    data = None
    if path is None:
        file.seek(0)
        data = file.read()
        file.seek(0)
    pool = _pool()
    try:
        outcome = pool.submit(_check_in_child, path, data, max_pixels).result(timeout=RESULT_TIMEOUT_SECONDS)
    except BrokenProcessPool:
        # The child died: killed at its CPU limit, or the decoder crashed.
        _pool_discard(pool)
        raise RejectedFile("The image could not be checked within the limits for uploads.", status_code=400) from None
    except TimeoutError:
        raise RejectedFile("Checking the image took too long.", status_code=400) from None
    if outcome[0] == "rejected":
        raise RejectedFile(outcome[1], status_code=outcome[2])
    return outcome[1], outcome[2]
