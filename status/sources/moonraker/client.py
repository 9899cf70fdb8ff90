"""A small JSON-RPC 2.0 client for Moonraker's websocket (``/websocket``).

One ``MoonrakerClient`` is one websocket: ``connect()``, ``identify()``, then
``call(method, params, timeout=...)``; notifications (``notify_*``) go to the
``on_notification`` callback, or, without one, to a queue read with
``next_notification()``. Every failure is one of the exceptions below, each
with a reason a person can read; none of them carries the API key.

Authentication: Moonraker reads ``X-Api-Key`` on the websocket upgrade (its
websocket handler runs the same check as for HTTP requests), and the key is
sent again in ``server.connection.identify``. A wrong key does not fail the
upgrade (Moonraker opens the socket and marks it unauthenticated); identify
then answers JSON-RPC error -32602 "Invalid API Key" (Moonraker maps its 401
to -32602), or "Unauthorized" when no key came and the client is not
trusted. Those raise ``MoonrakerAuthFailed``; so does an HTTP 401/403 on the
upgrade, which a proxy in front of Moonraker may answer. No oneshot token is
needed (that is only for Moonraker's bridge socket /klippysocket).

The bridge follows hundreds of printers in one process, and the benchmark
reuses this client against light fake endpoints, so the hot path (a
notification) is one ``json.loads`` and one callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

logger = logging.getLogger(__name__)

# websockets logs every upgrade header (X-Api-Key among them) at DEBUG; its
# logger is pinned to INFO so a DEBUG root logger can never print the key.
wire_logger = logging.getLogger("status.sources.moonraker.wire")
wire_logger.setLevel(logging.INFO)

CLIENT_NAME = "KlipperIWC"
CLIENT_VERSION = "0.1.0"
CONNECT_TIMEOUT_SECONDS = 5.0
CALL_TIMEOUT_SECONDS = 10.0
PING_INTERVAL_SECONDS = 10.0
PING_TIMEOUT_SECONDS = 10.0
# History pages and subscription results can be large; a status diff is small.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class MoonrakerError(Exception):
    """Anything that went wrong talking to Moonraker; ``str()`` is the reason."""


class MoonrakerUnreachable(MoonrakerError):
    """The websocket could not be opened: refused, unknown host, timeout, bad HTTP answer."""


class MoonrakerConnectionLost(MoonrakerError):
    """The open websocket closed or stopped answering pings."""


class MoonrakerTimeout(MoonrakerError):
    """A call got no answer in time (the connection is then closed: a slow Moonraker is a lost one)."""


class MoonrakerAuthFailed(MoonrakerError):
    """Moonraker refused the API key (or needs one and got none)."""


class MoonrakerRPCError(MoonrakerError):
    """Moonraker answered a call with a JSON-RPC error."""

    def __init__(self, method: str, code: int | None, message: str) -> None:
        super().__init__(f"{method}: {message} (code {code})")
        self.method = method
        self.code = code
        self.message = message


class LogOnce:
    """Logs a problem once per kind: a printer that sends the same bad message 4 times a second logs it once."""

    def __init__(self, log: logging.Logger = logger, prefix: str = "") -> None:
        self._log = log
        self._prefix = prefix
        self.seen: set[str] = set()

    def __call__(self, kind: str, detail: str, level: int = logging.WARNING) -> bool:
        if kind in self.seen:
            return False
        self.seen.add(kind)
        self._log.log(level, "%s%s (logged once per kind): %s", self._prefix, kind, detail)
        return True


def websocket_url(url: str) -> str:
    """``http(s)://host:port[/prefix]`` -> ``ws(s)://host:port[/prefix]/websocket``."""
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme)
    if scheme is None:
        raise ValueError("Moonraker's address must start with http:// or https://")
    path = parts.path.rstrip("/") + "/websocket"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def _unreachable_reason(exc: BaseException, address: str) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {address}"
    if isinstance(exc, socket.gaierror):
        return f"host name of {address} not found ({exc.strerror or exc})"
    if isinstance(exc, TimeoutError):
        return f"no answer from {address} within {CONNECT_TIMEOUT_SECONDS:g} s"
    if isinstance(exc, websockets.exceptions.InvalidStatus):
        return f"{address} answered HTTP {exc.response.status_code} to the websocket upgrade"
    if isinstance(exc, OSError):
        return f"cannot reach {address}: {exc.strerror or exc}"
    return f"cannot reach {address}: {type(exc).__name__}: {exc}"


def _close_reason(received, sent, ping_timeout: float | None = PING_TIMEOUT_SECONDS) -> str:
    """Why a websocket closed, from the close frames it received and sent (either may be None)."""
    if sent is not None and sent.code == 1011 and "ping" in (sent.reason or ""):
        return f"Moonraker did not answer a ping within {ping_timeout:g} s"
    if received is not None:
        reason = f": {received.reason}" if received.reason else ""
        return f"Moonraker closed the connection (code {received.code}{reason})"
    return "Moonraker went away without closing the connection"


# Moonraker answers an authentication failure with JSON-RPC code -32602 (its 401 mapped to "invalid
# params") and one of these messages; a proxy or another server may use 401 itself.
AUTH_ERROR_MESSAGES = ("Unauthorized", "Invalid API Key", "API Key authentication is disabled")


def _is_auth_error(code: Any, message: str) -> bool:
    return code == 401 or (code == -32602 and message.startswith(AUTH_ERROR_MESSAGES))


_CLOSED = object()


class MoonrakerClient:
    """One websocket to one Moonraker."""

    def __init__(
        self,
        url: str,
        api_key: str = "",
        *,
        on_notification: Callable[[str, Any], None] | None = None,
        log_once: LogOnce | None = None,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
        call_timeout: float = CALL_TIMEOUT_SECONDS,
        ping_interval: float | None = PING_INTERVAL_SECONDS,
        ping_timeout: float | None = PING_TIMEOUT_SECONDS,
    ) -> None:
        self.url = websocket_url(url)
        self.address = urlsplit(self.url).netloc
        self._api_key = api_key
        self._on_notification = on_notification
        self.log_once = log_once or LogOnce()
        self._connect_timeout = connect_timeout
        self.call_timeout = call_timeout
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[asyncio.Future, str]] = {}
        self._queue: asyncio.Queue = asyncio.Queue()
        self._closed = asyncio.Event()
        self._abort_task: asyncio.Task | None = None
        self.close_reason = ""

    def __repr__(self) -> str:  # never the key
        return f"<MoonrakerClient {self.address}>"

    # -- connection -------------------------------------------------------------
    async def connect(self) -> None:
        """Open the websocket (raises MoonrakerUnreachable or MoonrakerAuthFailed)."""
        headers = {"X-Api-Key": self._api_key} if self._api_key else {}
        try:
            self._ws = await ws_connect(
                self.url,
                additional_headers=headers,
                user_agent_header=f"{CLIENT_NAME}/{CLIENT_VERSION}",
                # Printers are on the LAN; a proxy from the environment must not carry their traffic.
                proxy=None,
                open_timeout=self._connect_timeout,
                ping_interval=self._ping_interval,
                ping_timeout=self._ping_timeout,
                close_timeout=1,
                max_size=MAX_MESSAGE_BYTES,
                compression=None,
                logger=wire_logger,
            )
        except websockets.exceptions.InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                raise MoonrakerAuthFailed(
                    f"Moonraker at {self.address} refused the API key (HTTP {exc.response.status_code})"
                ) from None
            raise MoonrakerUnreachable(_unreachable_reason(exc, self.address)) from None
        except (OSError, TimeoutError, websockets.exceptions.InvalidHandshake) as exc:
            raise MoonrakerUnreachable(_unreachable_reason(exc, self.address)) from None
        self._reader = asyncio.create_task(self._read(self._ws), name=f"moonraker-read-{self.address}")

    async def identify(self, *, client_type: str = "agent", url: str = "", timeout: float | None = None):
        """``server.connection.identify`` with the API key; a refused key raises MoonrakerAuthFailed.

        Moonraker allows one agent per name: when the name is taken (say a
        half-open socket from before a network cut that Moonraker has not
        noticed yet) it refuses the identification after it accepted the key,
        and the connection still works, so that refusal is logged, not raised.
        """
        params = {"client_name": CLIENT_NAME, "version": CLIENT_VERSION, "type": client_type, "url": url}
        if self._api_key:
            params["api_key"] = self._api_key
        try:
            return await self.call("server.connection.identify", params, timeout=timeout)
        except MoonrakerAuthFailed:
            raise
        except MoonrakerRPCError as exc:
            if "already registered" in exc.message:
                self.log_once("identify refused", f"{self.address}: {exc.message}", logging.INFO)
                return None
            raise

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def wait_closed(self) -> str:
        await self._closed.wait()
        return self.close_reason

    async def close(self) -> None:
        """Close the websocket (idempotent)."""
        ws, reader = self._ws, self._reader
        self._mark_closed("closed by KlipperIWC")
        if ws is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await ws.close()
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    # -- calls --------------------------------------------------------------------
    async def call(
        self,
        method: str,
        params: dict | list | None = None,
        *,
        timeout: float | None = None,
        close_on_timeout: bool = True,
    ):
        """The result of ``method``; MoonrakerRPCError for Moonraker's error, MoonrakerTimeout, ConnectionLost.

        ``timeout`` defaults to the client's ``call_timeout``. A timeout closes
        the connection unless ``close_on_timeout`` is False: the follower's calls
        answer in milliseconds, so one that does not come back means Moonraker
        or the link is stuck, and the follower reconnects. A call that may rightly
        take long (``printer.gcode.script`` with M109) passes False.
        """
        if self._ws is None or self.closed:
            raise MoonrakerConnectionLost(self.close_reason or "not connected to Moonraker")
        timeout = self.call_timeout if timeout is None else timeout
        call_id = next(self._ids)
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": call_id}
        if params is not None:
            message["params"] = params
        future = asyncio.get_running_loop().create_future()
        self._pending[call_id] = (future, method)
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that arrives
            # as the awaited thing completes, and a cancelled follower then never ends.
            async with asyncio.timeout(timeout):
                await self._ws.send(json.dumps(message))
                return await future
        except TimeoutError:
            reason = f"Moonraker did not answer {method} within {timeout:g} s"
            if not close_on_timeout:
                raise MoonrakerTimeout(reason) from None
            self._mark_closed(reason)
            if self._ws is not None and self._abort_task is None:
                self._abort_task = asyncio.get_running_loop().create_task(self._abort(self._ws))
            raise MoonrakerTimeout(reason) from None
        except websockets.exceptions.ConnectionClosed as exc:
            self._mark_closed(_close_reason(exc.rcvd, exc.sent, self._ping_timeout))
            raise MoonrakerConnectionLost(self.close_reason) from None
        finally:
            self._pending.pop(call_id, None)

    async def next_notification(self) -> tuple[str, Any]:
        """The next (method, params) notification; MoonrakerConnectionLost once closed and drained."""
        item = await self._queue.get()
        if item is _CLOSED:
            self._queue.put_nowait(_CLOSED)  # every later reader sees it too
            raise MoonrakerConnectionLost(self.close_reason)
        return item

    # -- reading ------------------------------------------------------------------
    async def _abort(self, ws: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await ws.close(code=1001, reason="no answer")

    def _mark_closed(self, reason: str) -> None:
        if self._closed.is_set():
            return
        self.close_reason = reason
        self._closed.set()
        for future, _method in self._pending.values():
            if not future.done():
                future.set_exception(MoonrakerConnectionLost(reason))
        self._pending.clear()
        self._queue.put_nowait(_CLOSED)

    async def _read(self, ws: ClientConnection) -> None:
        reason = ""
        try:
            async for raw in ws:
                self._dispatch(raw)
        except websockets.exceptions.ConnectionClosed as exc:
            reason = _close_reason(exc.rcvd, exc.sent, self._ping_timeout)
        except Exception as exc:  # a bug in a callback must not leave the connection half alive
            logger.exception("Moonraker reader for %s failed", self.address)
            reason = f"the connection to Moonraker failed ({type(exc).__name__})"
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await ws.close(code=1011)
        finally:
            # Also on cancellation (close()): every waiter learns the connection is gone.
            if not reason:
                try:
                    closed = ws.close_exc
                    reason = _close_reason(closed.rcvd, closed.sent, self._ping_timeout)
                except Exception:  # not closed after all (cancelled): any reason will do
                    reason = "the connection to Moonraker was closed"
            self._mark_closed(reason)

    def _dispatch(self, raw: str | bytes) -> None:
        if isinstance(raw, bytes):
            self.log_once("binary frame", f"{self.address} sent a binary frame of {len(raw)} bytes; skipped")
            return
        try:
            message = json.loads(raw)
        except ValueError as exc:
            self.log_once("not JSON", f"{self.address} sent a frame that is not JSON ({exc}); skipped")
            return
        if not isinstance(message, dict):
            self.log_once("not an object", f"{self.address} sent JSON that is not an object; skipped")
            return
        method = message.get("method")
        if isinstance(method, str):
            if "id" in message:
                # Moonraker calls clients only for agent remote methods we never register.
                self.log_once(f"request {method}", f"{self.address} called {method} on us; ignored")
                return
            params = message.get("params")
            if self._on_notification is not None:
                self._on_notification(method, params)
            else:
                self._queue.put_nowait((method, params))
            return
        call_id = message.get("id")
        pending = self._pending.get(call_id) if isinstance(call_id, int) else None
        if pending is None:
            self.log_once(
                "unmatched response", f"{self.address} answered id {call_id!r}, which we did not ask; skipped"
            )
            return
        future, method_name = pending
        if future.done():
            return
        error = message.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            text = str(error.get("message", error)) if isinstance(error, dict) else str(error)
            if _is_auth_error(code, text):
                future.set_exception(MoonrakerAuthFailed(f"Moonraker at {self.address} refused the API key ({text})"))
            else:
                future.set_exception(MoonrakerRPCError(method_name, code, text))
        elif "result" in message:
            future.set_result(message["result"])
        else:
            self.log_once(
                "response without result", f"{self.address} answered id {call_id} with neither result nor error"
            )
            future.set_exception(MoonrakerRPCError(method_name, None, "answer with neither result nor error"))
