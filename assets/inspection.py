"""Uploaded images are checked and thumbnailed in a single-use child process, not in the web server.

Decoding a 20 MB PNG needs its whole raster in memory (up to
BOARD_ASSET_MAX_PIXELS x 4 bytes), and the image decoder is the code an upload
exposes most to hostile files. So assets.validation runs in a child process
that checks one upload and then exits, which gives all its memory back and
leaves nothing a hostile file did behind for the next upload: the web process
receives only the verdict, the image's description and the thumbnail.

Children fork from a multiprocessing forkserver that has Pillow loaded and
warmed up (assets.checker_preload). Starting one still costs more than
checking a typical upload, so the web process keeps SPARE_CHECKERS children
started ahead, each waiting on its own pipe: an upload takes a waiting child,
and a background thread starts its replacement and reaps the used one. The
child sets its memory and CPU-time limits when its upload arrives. A child
that has not answered within RESULT_TIMEOUT_SECONDS is killed at once, and at
most CONCURRENT_CHECKS uploads are checked at the same time (each in a child
of its own; the others wait for a slot).

The helper processes end with the web process, even when it is killed
(``kill -9``, the OOM killer): each child watches the web process and exits
when it is gone (a waiting child also sees its pipe close), and the
forkserver and multiprocessing's resource tracker exit by themselves once no
process holds their pipes any more, that is when the web process and the
children are gone.

Nothing here imports Django: the forkserver and its children stay small.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import io
import logging
import multiprocessing
import os
import resource
import select
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from assets.validation import InspectedFile, RejectedFile, check_upload

logger = logging.getLogger(__name__)

# Python, Pillow and their libraries, plus room for a raster of max_pixels
# in RGBA and two working copies (thumbnail conversion).
BASE_ADDRESS_SPACE_BYTES = 768 * 1024 * 1024
BYTES_PER_PIXEL_BUDGET = 12
CPU_SECONDS = 60
RESULT_TIMEOUT_SECONDS = 120
# Uploads checked at once per web process; each child may use
# BASE_ADDRESS_SPACE_BYTES + BYTES_PER_PIXEL_BUDGET x max_pixels.
CONCURRENT_CHECKS = 2
# Children kept waiting, so that that many uploads arriving together start no process.
SPARE_CHECKERS = 2
# After a failed start of a spare child, the next attempt waits this long.
RESTART_DELAY_SECONDS = 1.0

CRASHED_MESSAGE = "The image could not be checked within the limits for uploads."
TIMEOUT_MESSAGE = "Checking the image took too long."
BUSY_MESSAGE = "Too many uploads are being checked right now; try again in a moment."
UNAVAILABLE_MESSAGE = "The image checker could not be started; try again later."


class _Checker:
    """One child process and the web process's end of its pipe; it checks one upload."""

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL now: a hostile file holds neither a slot nor memory until its CPU limit."""
        if self.process.exitcode is None:
            with contextlib.suppress(OSError, ValueError):  # exited meanwhile, or already closed
                self.process.kill()

    def reap(self, *, timeout: float) -> None:
        """Wait for the child's exit (killing it if it lingers) and release its file descriptors."""
        self.connection.close()
        self.process.join(timeout)
        if self.process.exitcode is None:
            self.kill()
            self.process.join(timeout)
        if self.process.exitcode is not None:
            self.process.close()


class _Job:
    """A check handed to a child; ``result()`` or ``abandon()`` ends it, once."""

    def __init__(self, checkers: _Checkers, checker: _Checker, deadline: float) -> None:
        self._checkers = checkers
        self._checker: _Checker | None = checker
        self._deadline = deadline

    def result(self) -> Any:
        """The child's return value.

        Raises RejectedFile when the child dies (400: killed at a limit, or the decoder
        crashed) and when it does not answer in time (400; the child is killed first).
        """
        checker = self._end()
        try:
            return self._checkers._answer(checker, deadline=self._deadline)
        finally:
            self._checkers._finish(checker, kill=False)

    def abandon(self) -> None:
        """The answer is not needed any more (the upload failed meanwhile): kill the child now."""
        if self._checker is not None:
            self._checkers._finish(self._end(), kill=True)

    def _end(self) -> _Checker:
        checker, self._checker = self._checker, None
        if checker is None:
            raise RuntimeError("This check has ended already.")
        return checker


class _Checkers:
    """The waiting children of this web process and the thread that keeps them topped up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ready: collections.deque[_Checker] = collections.deque()
        self._used: list[_Checker] = []
        self._slots = threading.BoundedSemaphore(CONCURRENT_CHECKS)
        self._owner = os.getpid()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["assets.checker_preload"])
        # Held while the thread reaps or starts children; at exit, see _stop.
        self._working = threading.Lock()
        self._stopping = False
        self._thread = threading.Thread(target=self._keep_ready, name="image-checker-spares", daemon=True)
        self._thread.start()
        atexit.register(self._stop)

    # -- used by uploads -------------------------------------------------

    def begin(self, function: Callable[..., Any], *args: Any) -> _Job:
        """Hand ``function(*args)`` to a child of its own and return at once; the caller
        works on meanwhile and collects the answer with the job's ``result()`` (or lets the
        child go with ``abandon()``).

        Raises RejectedFile when no slot frees up in time (503) or no child can be started.
        """
        deadline = time.monotonic() + RESULT_TIMEOUT_SECONDS
        if not self._slots.acquire(timeout=RESULT_TIMEOUT_SECONDS):
            raise RejectedFile(BUSY_MESSAGE, status_code=503)
        try:
            checker = self._take()
            if not self._send(checker, function, args):
                # It died while it waited (killed from outside): the job goes to a new one.
                self._retire(checker)
                checker = self._start()
                if not self._send(checker, function, args):
                    self._retire(checker)
                    raise RejectedFile(UNAVAILABLE_MESSAGE, status_code=503)
        except BaseException:
            self._slots.release()
            raise
        return _Job(self, checker, deadline)

    def _finish(self, checker: _Checker, *, kill: bool) -> None:
        """The job is over: the child is reaped (killed first when its answer is not wanted)
        and its replacement started, then the slot is free."""
        if kill:
            checker.kill()
        self._retire(checker)
        self._slots.release()

    @staticmethod
    def _send(checker: _Checker, function: Callable[..., Any], args: tuple) -> bool:
        try:
            checker.connection.send((function, args))
        except OSError:
            return False
        return True

    def _answer(self, checker: _Checker, *, deadline: float) -> Any:
        try:
            if not checker.connection.poll(max(0.0, deadline - time.monotonic())):
                checker.kill()
                logger.warning("Image checker %d did not answer in time and was killed", checker.pid)
                raise RejectedFile(TIMEOUT_MESSAGE, status_code=400)
            outcome = checker.connection.recv()
        except (EOFError, OSError):
            # The child died: killed at its memory or CPU limit, or the decoder crashed.
            checker.kill()
            raise RejectedFile(CRASHED_MESSAGE, status_code=400) from None
        if outcome[0] == "failed":
            logger.error("The image checker failed:\n%s", outcome[1])
            raise RejectedFile(CRASHED_MESSAGE, status_code=400)
        return outcome[1]

    def _take(self) -> _Checker:
        """A waiting child, or (none being ready) one started now."""
        with self._lock:
            while self._ready:
                checker = self._ready.popleft()
                if checker.process.is_alive():
                    # No notify: the replacement starts when this child's job is over
                    # (_retire), so that starting it does not take CPU from the check.
                    return checker
                self._used.append(checker)  # died while waiting (killed from outside)
            self._changed.notify_all()
        return self._start()

    def _retire(self, checker: _Checker) -> None:
        with self._lock:
            self._used.append(checker)
            self._changed.notify_all()

    def ready_pids(self) -> list[int]:
        """The pids of the children waiting for an upload, next first."""
        with self._lock:
            return [checker.pid for checker in self._ready]

    def wait_until_ready(self, *, timeout: float) -> bool:
        """Whether SPARE_CHECKERS children are waiting (within ``timeout`` seconds)."""
        with self._lock:
            return self._changed.wait_for(lambda: len(self._ready) >= SPARE_CHECKERS, timeout=timeout)

    # -- the background thread -------------------------------------------

    def _start(self) -> _Checker:
        try:
            return self._start_process()
        except Exception as exc:
            logger.exception("Could not start an image checker")
            raise RejectedFile(UNAVAILABLE_MESSAGE, status_code=503) from exc

    def _start_process(self) -> _Checker:
        mine, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve_one, args=(theirs, self._owner), name="image-checker", daemon=True
        )
        try:
            process.start()
        finally:
            theirs.close()  # the child holds its end; when the web process dies, the child reads EOF
        return _Checker(process, mine)

    def _keep_ready(self) -> None:
        while True:
            with self._lock:
                self._changed.wait_for(lambda: self._stopping or self._used or len(self._ready) < SPARE_CHECKERS)
                if self._stopping:
                    return
                used, self._used = self._used, []
                missing = SPARE_CHECKERS - len(self._ready)
            with self._working:
                self._reap_and_refill(used, missing)

    def _reap_and_refill(self, used: list[_Checker], missing: int) -> None:
        for checker in used:
            checker.reap(timeout=5)
        for _ in range(missing):
            if self._stopping:
                return
            try:
                checker = self._start_process()
            except Exception:
                logger.exception("Could not start a spare image checker; uploads start their own meanwhile")
                time.sleep(RESTART_DELAY_SECONDS)
                break
            with self._lock:
                self._ready.append(checker)
                self._changed.notify_all()

    def _stop(self) -> None:
        """At interpreter exit, before multiprocessing's own exit handler (atexit runs the
        later registered first): the thread stops reaping, which would otherwise close a
        process object that the handler is about to join ("process object is closed")."""
        if os.getpid() != self._owner:
            return  # a forked copy of the owner: this thread does not run here
        with self._lock:
            self._stopping = True
            self._changed.notify_all()
        if self._working.acquire(timeout=5):
            self._working.release()


_checkers: _Checkers | None = None
_checkers_lock = threading.Lock()


def _pool() -> _Checkers:
    global _checkers
    with _checkers_lock:
        if _checkers is None or _checkers._owner != os.getpid():
            _checkers = _Checkers()
        return _checkers


def start_spares() -> None:
    """Start the forkserver and the spare children in the background, returning at once.

    The web process calls it at start (klipperiwc_site/asgi.py): otherwise the first upload
    after a start waited for the forkserver to import Pillow (about a second).
    """
    _pool()


def warm_up(*, timeout: float = 30) -> bool:
    """Start the forkserver and the spare children now, not at the first upload; whether they are ready."""
    return _pool().wait_until_ready(timeout=timeout)


def ready_checker_pids() -> list[int]:
    """The pids of the children waiting for the next uploads (for tests and diagnostics)."""
    return _pool().ready_pids()


# --------------------------------------------------------------------------
# In the child
# --------------------------------------------------------------------------


def _serve_one(connection: Connection, owner: int) -> None:
    """The child's main: wait for one job, answer it, exit."""
    _exit_with(owner)
    try:
        function, args = connection.recv()
    except (EOFError, OSError):
        return  # the web process let this child go without a job
    try:
        outcome: tuple = ("ok", function(*args))
    except BaseException:
        import traceback

        outcome = ("failed", traceback.format_exc())
    connection.send(outcome)


def _exit_with(owner: int) -> None:
    """End this child when ``owner`` (the web process) ends, even in the middle of a decode.

    The child's parent is the forkserver, not the web process. On Linux
    (5.3+) a pidfd tells the moment the owner exits; elsewhere the child
    looks once a second.
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
            inspected, thumbnail = check_upload(file, max_pixels=max_pixels)
    except RejectedFile as exc:
        # Exceptions with keyword-only arguments do not survive pickling; send the parts.
        return ("rejected", str(exc), exc.status_code)
    except MemoryError:
        return ("rejected", "The image needs more memory to decode than an upload may use.", 400)
    return ("ok", inspected, thumbnail)


def inspect_and_thumbnail(file, *, max_pixels: int) -> tuple[InspectedFile, bytes | None]:
    """validation.check_upload (inspect_upload and, for raster images, make_thumbnail) in a child process.

    ``file`` is an uploaded file: one Django spooled to disk is read there by
    the child; a small one in memory is sent to it. Raises RejectedFile.
    """
    return begin_check(file, max_pixels=max_pixels).result()


class PendingCheck:
    """An upload's check running in its child; the web process may work on meanwhile."""

    def __init__(self, job: _Job) -> None:
        self._job = job

    def result(self) -> tuple[InspectedFile, bytes | None]:
        """What inspect_and_thumbnail returns; raises RejectedFile."""
        outcome = self._job.result()
        if outcome[0] == "rejected":
            raise RejectedFile(outcome[1], status_code=outcome[2])
        return outcome[1], outcome[2]

    def abandon(self) -> None:
        """Kill the child: its answer is not needed (the upload failed otherwise)."""
        self._job.abandon()


def begin_check(file, *, max_pixels: int) -> PendingCheck:
    """Start inspect_and_thumbnail's check of ``file`` and return without waiting for it.

    The caller must end it with ``result()`` or ``abandon()``: until then it holds one of
    the CONCURRENT_CHECKS slots. Raises RejectedFile when no child can take it (503).
    """
    path = file.temporary_file_path() if hasattr(file, "temporary_file_path") else None
    data = None
    if path is None:
        file.seek(0)
        data = file.read()
        file.seek(0)
    return PendingCheck(_pool().begin(_check_in_child, path, data, max_pixels))
