"""Django's ASGI handler, with each request run in one hop on a fixed thread pool.

Django's own handler builds a new thread (and so a new database connection)
for every request, and with sync middleware hops between the event loop and
worker threads a dozen times per request: about 150 requests/s per process
here. This handler runs the whole synchronous request (middleware and view)
as one call on a pool of long-lived threads, so each thread keeps its
database connection (CONN_MAX_AGE) and a request costs one hop.
WebSockets still go through Channels as before.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections


class PooledASGIHandler(ASGIHandler):
    def __init__(self, *, threads: int) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django serves only HTTP here, not {scope['type']}.")
        # No per-request ThreadSensitiveContext: that is what made a thread per request.
        await self.handle(scope, receive, send)

    async def get_response_async(self, request):
        return await sync_to_async(self._respond, thread_sensitive=False, executor=self.executor)(request)

    def _respond(self, request):
        # Django's request_started/finished signals fire on another thread;
        # connection hygiene for this thread's connection happens here.
        close_old_connections()
        try:
            return self.get_response(request)
        finally:
            close_old_connections()
