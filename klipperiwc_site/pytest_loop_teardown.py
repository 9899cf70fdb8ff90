"""A test's event loop that closes waits a bounded time for its cancelled tasks, then names them.

asyncio's runner (which pytest-asyncio uses) cancels every task still pending when a test's
loop closes and waits for all of them to end. A task that does not end after its cancel held
one test in teardown until pytest-timeout (600 s) failed it, in CI's scaled run only, without
saying which task. Here the wait ends after TEARDOWN_SECONDS with a warning that shows each
stuck task's stack (pytest's warnings summary), and the loop closes without them.

Loaded with ``-p klipperiwc_site.pytest_loop_teardown`` (pyproject.toml's addopts).
"""

import asyncio
import asyncio.runners
import io
import warnings

TEARDOWN_SECONDS = 30.0


class StuckTaskWarning(UserWarning):
    """A task that did not end within TEARDOWN_SECONDS of its cancel when its test's loop closed."""


_stdlib_cancel_all_tasks = getattr(asyncio.runners, "_cancel_all_tasks", None)


def _cancel_all_tasks(loop: asyncio.AbstractEventLoop) -> None:
    to_cancel = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not to_cancel:
        return
    for task in to_cancel:
        task.cancel()
    _done, stuck = loop.run_until_complete(asyncio.wait(to_cancel, timeout=TEARDOWN_SECONDS))
    for task in stuck:
        stack = io.StringIO()
        task.print_stack(file=stack)
        warnings.warn(
            f"{task!r} did not end within {TEARDOWN_SECONDS:.0f} s of its cancel at the loop's close:\n"
            f"{stack.getvalue()}",
            StuckTaskWarning,
            stacklevel=1,
        )
    for task in to_cancel:
        if task.done() and not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception during asyncio.run() shutdown",
                    "exception": task.exception(),
                    "task": task,
                }
            )


# Only where the stdlib still has the function this replaces (its callers pass the loop).
if _stdlib_cancel_all_tasks is not None:
    setattr(asyncio.runners, "_cancel_all_tasks", _cancel_all_tasks)  # noqa: B010 (a private name)
