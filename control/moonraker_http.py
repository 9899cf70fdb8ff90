"""A small synchronous client for Moonraker's HTTP API: the control calls and the G-code files.

Status comes over the bridge's websocket; this client is for the request/answer
calls a person makes (pause, a G-code line, an upload). Every failure is one of
the MoonrakerError subclasses below, whose message is safe to show a caller:
it names Moonraker's address and what went wrong, never the API key (sent only
as the X-Api-Key header; httpx logs request lines, not headers).
"""

from __future__ import annotations

import logging
from typing import IO, Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

logger = logging.getLogger(__name__)


class MoonrakerError(Exception):
    """A call that did not succeed; ``str(error)`` is safe to show."""


class MoonrakerUnreachable(MoonrakerError):
    """No connection: refused, no route, unknown host. The printer is offline."""


class MoonrakerTimeout(MoonrakerError):
    """Moonraker did not answer in time."""


class MoonrakerRefused(MoonrakerError):
    """Moonraker answered with an error it means: klippy's errors ("Print is not in progress"), a missing
    file, klippy not connected (its 503), a refused API key (401/403)."""

    def __init__(self, message: str, *, http_status: int) -> None:
        super().__init__(message)
        self.http_status = http_status


class MoonrakerBadAnswer(MoonrakerError):
    """Moonraker failed itself (a 5xx) or answered something that is not its API's JSON."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


def address_shown(url: str) -> str:
    """``url`` without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def _error_message(response: httpx.Response) -> str | None:
    """Moonraker's own message from ``{"error": {"code", "message"}}``, if the body is that."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    if isinstance(error, str):
        return error
    return None


class MoonrakerHTTP:
    """One printer's Moonraker. Use as a context manager (one connection pool per use).

    ``timeout`` bounds each call (connect, send, wait for the answer); G-code
    scripts wait up to ``gcode_timeout`` for their answer, because Moonraker
    answers only once the G-code has run (an M109 heats for minutes).
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str = "",
        timeout: float,
        gcode_timeout: float,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.where = address_shown(base_url)
        self.timeout = timeout
        self.gcode_timeout = gcode_timeout
        headers = {"X-Api-Key": api_key} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout),
            # Never a proxy from the environment: the key goes to the printer only.
            trust_env=False,
            follow_redirects=False,
            transport=transport,
        )

    def __enter__(self) -> MoonrakerHTTP:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- the calls ----------------------------------------------------------------
    def print_pause(self) -> Any:
        return self._call("POST", "printer/print/pause")

    def print_resume(self) -> Any:
        return self._call("POST", "printer/print/resume")

    def print_cancel(self) -> Any:
        return self._call("POST", "printer/print/cancel")

    def emergency_stop(self) -> Any:
        return self._call("POST", "printer/emergency_stop")

    def firmware_restart(self) -> Any:
        return self._call("POST", "printer/firmware_restart")

    def restart(self) -> Any:
        return self._call("POST", "printer/restart")

    def gcode_script(self, script: str) -> Any:
        timeout = httpx.Timeout(self.timeout, read=self.gcode_timeout)
        return self._call(
            "POST", "printer/gcode/script", json={"script": script}, timeout=timeout, waited=self.gcode_timeout
        )

    def print_start(self, filename: str) -> Any:
        return self._call("POST", "printer/print/start", json={"filename": filename})

    def files_list(self) -> list[dict]:
        """The G-code files: Moonraker's ``[{"path", "modified", "size", "permissions"}]``."""
        result = self._call("GET", "server/files/list", params={"root": "gcodes"})
        if not isinstance(result, list) or not all(isinstance(item, dict) for item in result):
            raise MoonrakerBadAnswer(f"Moonraker at {self.where} answered the file list with something not a list.")
        return result

    def file_metadata(self, filename: str) -> dict | None:
        """The slicer metadata Moonraker has for a file; None when it has none (yet)."""
        try:
            result = self._call("GET", "server/files/metadata", params={"filename": filename})
        except MoonrakerRefused as exc:
            if exc.http_status == 404:
                return None
            raise
        return result if isinstance(result, dict) else None

    def file_upload(self, *, filename: str, file: IO[bytes], start_print: bool = False) -> dict:
        """Stream ``file`` (read in 64 KiB pieces by httpx, from where it is now) to the gcodes folder.

        Returns Moonraker's answer: ``{"item": {"path", "size", "modified", ...}, "print_started", ...}``.
        """
        data = {"root": "gcodes"}
        if start_print:
            data["print"] = "true"
        result = self._call(
            "POST",
            "server/files/upload",
            files={"file": (filename, file, "application/octet-stream")},
            data=data,
        )
        if not isinstance(result, dict):
            raise MoonrakerBadAnswer(f"Moonraker at {self.where} answered the upload with something not an object.")
        return result

    def file_download(self, path: str, *, root: str = "gcodes", max_bytes: int) -> bytes:
        """The bytes of ``path`` (relative to ``root``), read as they come; at most ``max_bytes``.

        Larger files are a MoonrakerBadAnswer, found out without reading more than one piece past the limit.
        """
        where = f"server/files/{root}/{quote(path, safe='/')}"
        try:
            with self._client.stream("GET", where) as response:
                if not response.is_success:
                    response.read()  # an error answer is small: Moonraker's JSON
                    self._raise_for(response, "GET", where)
                content = bytearray()
                for chunk in response.iter_bytes(64 * 1024):
                    content.extend(chunk)
                    if len(content) > max_bytes:
                        raise MoonrakerBadAnswer(
                            f"Moonraker at {self.where} sent more than {max_bytes} bytes for /{root}/{path}.",
                            http_status=response.status_code,
                        )
                return bytes(content)
        except httpx.TimeoutException:
            raise MoonrakerTimeout(
                f"Moonraker at {self.where} did not send /{where} within {self.timeout:g} s."
            ) from None
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise MoonrakerUnreachable(f"Moonraker at {self.where} is not reachable: {reason}.") from None

    # -- the one place that talks HTTP ------------------------------------------------
    def _call(self, method: str, path: str, *, waited: float | None = None, **kwargs) -> Any:
        waited = self.timeout if waited is None else waited
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise MoonrakerTimeout(
                f"Moonraker at {self.where} did not answer {method} /{path} within {waited:g} s."
            ) from None
        except httpx.TransportError as exc:
            # Refused, reset, unknown host: the exception's text names no header.
            reason = str(exc) or type(exc).__name__
            raise MoonrakerUnreachable(f"Moonraker at {self.where} is not reachable: {reason}.") from None
        if response.is_success:
            try:
                body = response.json()
            except ValueError:
                raise MoonrakerBadAnswer(
                    f"Moonraker at {self.where} answered {method} /{path} with something that is not JSON.",
                    http_status=response.status_code,
                ) from None
            # Moonraker wraps answers in {"result": ...}; its upload answer is bare in some versions.
            return body["result"] if isinstance(body, dict) and "result" in body else body
        self._raise_for(response, method, path)

    def _raise_for(self, response: httpx.Response, method: str, path: str) -> NoReturn:
        """The MoonrakerError an unsuccessful answer is."""
        message = _error_message(response)
        status = response.status_code
        if status in (401, 403):
            raise MoonrakerRefused(
                f"Moonraker at {self.where} refused the printer's API key ({status}"
                f"{': ' + message if message else ''}).",
                http_status=status,
            )
        # 503 is Moonraker's "Klippy Host not connected" / "Klippy Disconnected": klippy is not ready.
        if 400 <= status < 500 or (status == 503 and message):
            raise MoonrakerRefused(message or response.reason_phrase or str(status), http_status=status)
        raise MoonrakerBadAnswer(
            f"Moonraker at {self.where} failed ({status}): {message or response.reason_phrase or 'no message'}",
            http_status=status,
        )
