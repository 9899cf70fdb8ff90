"""Embedded mode: the bridge runs inside the one daphne process, started and stopped with it.

The in-process channel layer reaches only the WebSocket clients of its own
process and lives on daphne's event loop, so the bridge must run there too.
Daphne has no ASGI lifespan events; it runs on Twisted's asyncio reactor, so
the bridge starts when the reactor starts and stops before it shuts down.
Anything else that imports the ASGI application (tests, a management
command) never runs the reactor and so never starts a bridge.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from django.conf import settings

logger = logging.getLogger(__name__)
STOP_TIMEOUT_SECONDS = 10.0


def bridge_in_daphne() -> None:
    """Arrange for a bridge to run inside this daphne process (BRIDGE_MODE=web)."""
    if settings.BRIDGE_MODE != "web":
        return
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None or type(reactor).__name__ != "AsyncioSelectorReactor":
        return
    from status.bridge.runner import Bridge

    state: dict = {}

    def start() -> None:
        bridge = Bridge()
        state["bridge"] = bridge
        state["task"] = task = asyncio.ensure_future(bridge.run())
        task.add_done_callback(ended)

    def ended(task: asyncio.Future) -> None:
        # The bridge ends only when asked to; anything else is logged and it starts again.
        if state.get("stopping") or task.cancelled():
            return
        error = task.exception()
        logger.error("The bridge ended unexpectedly (%r); starting it again in 5 s", error, exc_info=error)
        asyncio.get_event_loop().call_later(5, start)

    def stop():
        from twisted.internet.defer import Deferred

        state["stopping"] = True
        bridge, task = state.get("bridge"), state.get("task")
        if bridge is None or task.done():
            return None
        bridge.stop()

        async def finished() -> None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=STOP_TIMEOUT_SECONDS)
            except TimeoutError:
                logger.warning("The bridge did not stop within %.0f s; cancelling it", STOP_TIMEOUT_SECONDS)
                task.cancel()
            except Exception:
                logger.exception("The bridge failed while stopping")

        return Deferred.fromFuture(asyncio.ensure_future(finished()))

    reactor.callWhenRunning(start)
    reactor.addSystemEventTrigger("before", "shutdown", stop)
