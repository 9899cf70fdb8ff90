"""Limits against guessing: failed credentials are counted per client address (django-axes).

Every credential the hub checks counts the same way, in one counter per client address:
a wrong admin password (axes' own authentication backend and signal), a wrong board-asset,
moderator or printer token (``klipperiwc_site/tokens.py``, ``assets/permissions.py``) and a
wrong ``STATUS_WS_TOKEN`` (``status/consumers.py``). Tokens report their failures through the
same ``user_login_failed`` signal that a wrong password sends, so axes' handler counts them.

The counter lives in Django's cache (axes' cache handler): Redis in scaled mode, so every web
process sees the same count, LocMem in embedded mode's single web process. It expires
AUTH_LOCKOUT_SECONDS after an address's last counted failure.

The AUTH_FAILURE_LIMIT-th failure locks the address for AUTH_LOCKOUT_SECONDS: that request
and every later one that presents a credential is refused (429 JSON with Retry-After under
/api/, a 429 page for the admin login, close code 4423 on /ws/status), without the credential
being compared, and without being counted (so waiting Retry-After is always enough). A right
credential is refused too while the address is locked: otherwise the one answer that is not
a 429 would tell a guesser which guess was right. A request without a credential (401) is not
a guess: it is neither counted nor refused. Right credentials are not counted and do not reset
the counter (resetting would let a holder of one token guess another one forever).

The client address is REMOTE_ADDR; behind a proxy (TRUST_PROXY_HEADERS=true) it is the last
X-Forwarded-For entry, the one the proxy itself appended: the entries before it come from
the client and would let a guesser pick a fresh address per request. IPv6 addresses count
per /64, the block one subscriber gets.

While the cache does not answer (Redis down) nothing is counted and nobody is locked out:
the hub keeps answering 403 / 401 as before instead of failing requests.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cache
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from rest_framework import status
from rest_framework.exceptions import APIException

from klipperiwc_site.middleware import JSON_PREFIXES, json_error

logger = logging.getLogger(__name__)

# /ws/status closes a locked-out client with this code (HTTP 423 "Locked"); 4429 already
# means "too many messages on this socket".
CLOSE_LOCKED_OUT = 4423


def failure_limit(request=None, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: read on each use, so tests and override_settings change it."""
    return settings.AUTH_FAILURE_LIMIT


def lockout_time(request=None) -> timedelta:
    """AXES_COOLOFF_TIME (also the counter's lifetime in the cache)."""
    return timedelta(seconds=settings.AUTH_LOCKOUT_SECONDS)


def client_address(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address failures are counted under (see the module docstring)."""
    address = request.META.get("REMOTE_ADDR") or ""
    if settings.TRUST_PROXY_HEADERS:
        # daphne's --proxy-headers puts the *first* X-Forwarded-For entry into REMOTE_ADDR, which
        # is whatever the client sent; the last entry is the one the trusted proxy added.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            address = forwarded
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _locked_until_key(address: str) -> str:
    return "klipperiwc-locked-until-" + hashlib.sha256(address.encode()).hexdigest()


class CacheHandler(AxesCacheHandler):
    """axes' cache handler (AXES_HANDLER) that also notes when a lockout ends, for Retry-After.

    It reads the cache on each use (override_settings and per-thread caches work), and a
    failure it cannot count because the cache lost the counter between axes' ``add`` and
    ``incr`` (the Redis cache is down, or the key just expired) is dropped instead of
    raising out of the request.
    """

    def __init__(self) -> None:  # axes' __init__ only keeps one cache object
        pass

    @property
    def cache(self):
        return get_cache()

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except ValueError:
            logger.warning("A failed credential could not be counted: the cache does not answer.")
            return
        if request is not None and request.axes_locked_out:
            seconds = int(lockout_time(request).total_seconds())
            # add, not set: attempts while locked must not move the end of the lockout.
            if self.cache.add(_locked_until_key(request.axes_ip_address), time.time() + seconds, seconds):
                logger.warning(
                    "Client address %s locked out for %d s after %d failed credentials.",
                    request.axes_ip_address,
                    seconds,
                    failure_limit(),
                )

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        # `manage.py axes_reset_ip ADDRESS` (scaled mode: the shared Redis) unlocks an address at once.
        count = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
        if ip_address is not None:
            self.cache.delete(_locked_until_key(ip_address))
        return count


def retry_after(request: HttpRequest) -> int:
    """Whole seconds until the lockout of the request's address ends (at least 1)."""
    until = get_cache().get(_locked_until_key(client_address(request)))
    if until is None:
        return settings.AUTH_LOCKOUT_SECONDS
    return max(1, math.ceil(until - time.time()))


def lockout_detail(seconds: int) -> str:
    return (
        f"Too many failed credentials (passwords or tokens) came from this address: it is locked out "
        f"for {seconds} more seconds, whichever credential it sends. Wait, then try again with the right one."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After, JSON under /api/, a short page elsewhere (the admin login)."""
    seconds = retry_after(request)
    headers = {"Retry-After": str(seconds), "Cache-Control": "no-store"}
    if request.path.startswith(JSON_PREFIXES):
        return json_error(429, lockout_detail(seconds), headers=headers)
    page = render_to_string("429.html", {"minutes": math.ceil(seconds / 60)}, request=request)
    return HttpResponse(page, status=429, headers=headers)


class TooManyFailures(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, *, seconds: int) -> None:
        super().__init__(lockout_detail(seconds))
        self.wait = seconds  # DRF's exception handler sends this as Retry-After


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    locked_for: int | None = None  # set: the address is locked out for this many more seconds


def _http_request(request) -> HttpRequest:
    # DRF's Request wraps Django's; axes keeps its notes on Django's, which the middleware sees.
    return getattr(request, "_request", request)


def judge(request, *, credential: str, matches: Callable[[], bool]) -> Verdict:
    """Judge a presented credential: refused unchecked while locked, counted when wrong.

    ``credential`` names what was presented (a header, a query parameter), never its value;
    ``matches`` does the constant-time comparison, and is not called while locked.
    """
    http_request = _http_request(request)
    # Credentials always passed: without them axes looks for a username in request.POST, which
    # would read the body before the view (an upload) chose how to stream it.
    credentials = {"credential": credential}
    if AxesProxyHandler.is_locked(http_request, credentials):
        return Verdict(accepted=False, locked_for=retry_after(http_request))
    if matches():
        return Verdict(accepted=True)
    user_login_failed.send(sender=__name__, credentials=credentials, request=http_request)
    if getattr(http_request, "axes_locked_out", False):  # set by axes' handler when this failure locked it
        return Verdict(accepted=False, locked_for=retry_after(http_request))
    return Verdict(accepted=False)


def require(request, *, credential: str, matches: Callable[[], bool], wrong: APIException) -> None:
    """``judge`` for DRF views: raises TooManyFailures (429) while locked, ``wrong`` (403) for a wrong one."""
    verdict = judge(request, credential=credential, matches=matches)
    if verdict.locked_for is not None:
        raise TooManyFailures(seconds=verdict.locked_for)
    if not verdict.accepted:
        raise wrong


def scope_request(scope: dict) -> HttpRequest:
    """A Django request carrying what the counter reads (address, headers, path) of an ASGI WebSocket scope."""
    request = HttpRequest()
    request.path = request.path_info = scope.get("path", "")
    request.method = "GET"
    client = scope.get("client") or ("", 0)
    meta: dict[str, str] = {"REMOTE_ADDR": client[0] or "", "PATH_INFO": request.path}
    for raw_name, raw_value in scope.get("headers", []):
        name = "HTTP_" + raw_name.decode("latin1").upper().replace("-", "_")
        value = raw_value.decode("latin1")
        meta[name] = f"{meta[name]},{value}" if name in meta else value
    request.META = meta
    return request
