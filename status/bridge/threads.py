"""Threads for the bridge's database work, one per kind, so one kind never waits behind another.

channels' database_sync_to_async runs everything on one shared thread: a farm's
history batch would hold up lease renewals (and with them the fencing that
keeps two bridges off one printer) and every connection-state write.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections


class DatabaseThread:
    def __init__(self, name: str) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"bridge-{name}")

    async def run(self, func, /, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, functools.partial(self._call, func, *args, **kwargs)
        )

    @staticmethod
    def _call(func, *args, **kwargs):
        # As database_sync_to_async does: drop a connection the server closed or that aged out.
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    def shutdown(self) -> None:
        self.executor.submit(connections.close_all)
        self.executor.shutdown(wait=True)
