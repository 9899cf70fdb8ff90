"""A request whose disconnect listener raised RequestAborted is freed by refcounting, not left to the cyclic collector.

daphne sends http.disconnect after every response, and when the listener has
raised RequestAborted by the time the handler looks at its tasks, re-raising it
tied the handler's frame, its task list and the exception into a cycle that
carried the request, its response and the view's objects. The web process's
collector runs its full collection rarely (klipperiwc_site/asgi.py), so under load
hundreds of them waited: +15 % memory in bench/soak.py's 10 minutes.
"""

import asyncio
import gc

from django.core.exceptions import RequestAborted
from django.http import HttpResponse
from django.urls import path

from klipperiwc_site.asgi_handler import PooledASGIHandler


def answer(request):
    return HttpResponse(b"a large answer" * 10_000)


urlpatterns = [path("answer/", answer)]

SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/answer/",
    "raw_path": b"/answer/",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"testserver")],
    "client": ("127.0.0.1", 50000),
    "server": ("testserver", 80),
}


async def one_request(handler: PooledASGIHandler, sent: list) -> None:
    # The body, then at once the disconnect: the listener is done before the view is.
    messages = [{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}]

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message["type"])

    await handler(dict(SCOPE), receive, send)


def aborted_requests() -> int:
    # type(), not isinstance(): that would evaluate lazy objects (a request's CSP nonce).
    return sum(1 for thing in gc.get_objects() if type(thing) is RequestAborted)


def test_the_aborted_listeners_exception_is_freed_with_its_request(settings):
    settings.ROOT_URLCONF = __name__
    handler = PooledASGIHandler(threads=1)
    sent: list = []
    gc.collect()
    gc.disable()
    try:
        before = aborted_requests()
        for _ in range(5):
            asyncio.run(one_request(handler, sent))
        left = aborted_requests() - before
    finally:
        gc.enable()
        handler.executor.shutdown()

    assert left == 0
    assert sent == [], "the client had gone: nothing is sent"
