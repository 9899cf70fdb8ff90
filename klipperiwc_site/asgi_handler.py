"""Django's ASGI handler, with each request's synchronous work done in one hop on a fixed thread pool.

Django's own handler builds a new thread (and so a new database connection)
for every request, sends request_started/request_finished through its one
shared "sync thread", and with sync middleware hops between the event loop
and worker threads a dozen times per request: about 150 requests/s per
process here. This handler does the synchronous part of a request (the
request_started signal, middleware and view) as one call on a pool of
long-lived threads, which keep their database connections (CONN_MAX_AGE),
and closes the response (request_finished) there too. WebSockets still go
through Channels.

``handle`` follows Django 5.2's ASGIHandler.handle; keep the two in step
when upgrading Django. ``UPSTREAM`` fingerprints the Django code this
follows (klipperiwc_site/upstream.py): a test fails when an upgrade changes it.
"""

import asyncio
import contextlib
import io
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.cache import caches
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.urls import set_script_prefix

from klipperiwc_site.upstream import UpstreamCode

UPSTREAM = (
    UpstreamCode(
        "django.core.handlers.asgi:ASGIHandler.handle",
        "django",
        "5.2.19",
        "7c6356071533fad4cbd466cce7b2c48740b590fb55a9cee4f5297d09989f95d6",
        "PooledASGIHandler.handle and _serve are this method with the synchronous part moved into one pool call:"
        " carry every change over (signals sent, error response handling, disconnect handling, body_file closing).",
    ),
    UpstreamCode(
        "django.core.handlers.asgi:ASGIHandler.__call__",
        "django",
        "5.2.19",
        "569fba593644398a1dc6de9deb1be67a1eb467e280607154a6e38cb20007f57c",
        "PooledASGIHandler.__call__ is this without ThreadSensitiveContext: carry over anything else it now does.",
    ),
    UpstreamCode(
        "django.core.handlers.asgi:ASGIHandler.__init__",
        "django",
        "5.2.19",
        "ff30c726f505333226a4b3955f2b8e28716902ad2795bc08fcfefc152ce7ffb1",
        "PooledASGIHandler.__init__ does not call it (it loads the middleware for sync use): set up anything"
        " it now sets up.",
    ),
)


class PooledASGIHandler(ASGIHandler):
    def __init__(self, *, threads: int) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        # Django keeps cache clients in context-local storage, and every request
        # runs in a copy of the context daphne's tasks start from, which is this
        # one. Clients made here are shared by all requests; made inside a
        # request they would be thrown away with its context copy: with Redis,
        # a new connection per request (250 instead of 900 requests/s).
        for alias in settings.CACHES:
            caches[alias]
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django serves only HTTP here, not {scope['type']}.")
        # No per-request ThreadSensitiveContext: that is what made a thread per request.
        await self.handle(scope, receive, send)

    def _in_pool(self, func):
        return sync_to_async(func, thread_sensitive=False, executor=self.executor)

    def _serve(self, scope, body_file):
        """Everything synchronous a request needs, in this pool thread."""
        set_script_prefix(get_script_prefix(scope))
        # Receivers include close_old_connections: it now runs on the thread
        # whose connection the request will use.
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            return error_response
        response = self.get_response(request)
        response._handler_class = self.__class__
        return response

    async def handle(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        scope = with_content_length(scope, body_file)

        async def process_request():
            response = await self._in_pool(self._serve)(scope, body_file)
            with contextlib.suppress(asyncio.CancelledError):  # the client went away meanwhile
                await self.send_response(response, send)
            return response

        tasks = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                if task.done():
                    try:
                        task.result()
                    except RequestAborted:
                        pass
                    except AssertionError:
                        body_file.close()
                        raise
                else:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            try:
                response = tasks[1].result()
            except asyncio.CancelledError:
                await self._in_pool(signals.request_finished.send)(sender=self.__class__)
            else:
                # Fires request_finished (closing this thread's stale connections).
                await self._in_pool(response.close)()
            body_file.close()
        finally:
            # The listener's RequestAborted (daphne sends http.disconnect after every
            # response), re-raised here by task.result(), takes this frame into its
            # traceback; the frame holds this list, the list the task, the task the
            # exception: a cycle only the cyclic collector frees, and it carries the
            # request, its response and the view's objects. Under load hundreds of them
            # waited for a full collection (+15 % memory in bench/soak.py's 10 minutes).
            # Emptying the list breaks the cycle; refcounting frees the rest at once.
            tasks.clear()


def with_content_length(scope, body_file):
    """The scope, with a Content-Length header when the client sent none (Transfer-Encoding: chunked).

    Django and DRF read a body only as far as CONTENT_LENGTH says, and read
    nothing without it: a chunked upload was "No file was submitted". The
    whole body is in ``body_file`` by now, so its length is known, and the
    size limits that go by it (DATA_UPLOAD_MAX_MEMORY_SIZE, the upload
    handlers' BOARD_ASSET_MAX_BYTES) apply to chunked bodies as to others.
    """
    if any(name.lower() == b"content-length" for name, _value in scope.get("headers", ())):
        return scope
    size = body_file.seek(0, io.SEEK_END)
    body_file.seek(0)
    if not size:
        return scope
    return {**scope, "headers": [*scope.get("headers", ()), (b"content-length", str(size).encode("ascii"))]}
