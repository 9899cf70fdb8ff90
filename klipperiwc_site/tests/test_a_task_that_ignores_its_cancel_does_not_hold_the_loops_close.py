"""A test's loop closes within a bounded time even when a task ignores its cancel, naming that task
(klipperiwc_site/pytest_loop_teardown.py), instead of holding the run until pytest-timeout."""

import asyncio
import asyncio.runners

import pytest

from klipperiwc_site import pytest_loop_teardown


async def stubborn(release: asyncio.Event) -> None:
    while not release.is_set():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            continue  # swallows every cancel


async def polite() -> None:
    await asyncio.sleep(3600)


def test_the_close_names_the_stuck_task_and_goes_on(monkeypatch):
    monkeypatch.setattr(pytest_loop_teardown, "TEARDOWN_SECONDS", 0.2)
    assert asyncio.runners._cancel_all_tasks is pytest_loop_teardown._cancel_all_tasks  # what the runner calls
    loop = asyncio.new_event_loop()
    release = asyncio.Event()
    stuck = loop.create_task(stubborn(release), name="stubborn-task")
    ended = loop.create_task(polite(), name="polite-task")
    loop.run_until_complete(asyncio.sleep(0))
    with pytest.warns(pytest_loop_teardown.StuckTaskWarning, match=r"stubborn-task.*\n.*in stubborn"):
        asyncio.runners._cancel_all_tasks(loop)
    assert ended.cancelled()
    assert not stuck.done()
    release.set()
    stuck.cancel()
    loop.run_until_complete(asyncio.wait([stuck]))
    loop.close()
