"""Personal API keys: create, find, revoke, and the request's key (``Authorization: Bearer kiwc_...``).

See accounts/models.py for the key's format. A key acts with its owner's roles
(accounts/roles.py) wherever an environment token opens an API today: the token
checks (klipperiwc_site/tokens.py, assets/permissions.py, /metrics, /ws/status) call
``require_key_role`` when a request sends a key instead of the token's header.

A presented key that is unknown, revoked, malformed or whose owner is inactive is a 403
and counts as a failed credential of the client's address (klipperiwc_site/guessing.py),
like a wrong token; the key is never logged, stored or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts import actors
from accounts.models import ApiKey, Credential
from accounts.roles import Role, user_has_role
from klipperiwc_site import guessing

KEY_PREFIX = "kiwc"
AUTHORIZATION = "Authorization"
# Only keys of ours: other bearer tokens (METRICS_TOKEN) are the endpoint's own business.
_BEARER_KEY = re.compile(r"Bearer[ \t]+(kiwc_\S*)[ \t]*\Z", re.IGNORECASE)
_PREFIX = re.compile(r"[0-9a-f]{12}\Z")
# last_used_at is written at most this often per key: a busy client must not write a row per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_REQUEST_KEY = "_klipperiwc_api_key"


class ApiKeyWrong(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "api_key_wrong"
    default_detail = (
        "The Authorization header does not hold an active API key "
        "(it is unknown or revoked, or its owner's account is disabled)."
    )


class ApiKeyLacksRole(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "api_key_role"

    def __init__(self, *, role: Role) -> None:
        super().__init__(
            f"This endpoint needs the {role.value} role; the API key's owner is not in the {role.value!r} group "
            "(an admin adds people to groups)."
        )


def secret_digest(secret: str) -> str:
    """The SHA-256 (hex) a secret is stored as: enough for 32 random bytes, not for a password."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_key_create(*, user, name: str) -> tuple[ApiKey, str]:
    """A new key for ``user``; returns the row and the full key, which is shown once and never stored."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(user=user, name=name.strip()[:100], prefix=prefix, secret_sha256=secret_digest(secret))
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def api_key_revoke(*, key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_find(presented: str) -> ApiKey | None:
    """The active key (with its user) for the presented ``kiwc_<prefix>_<secret>``, or None."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not _PREFIX.match(parts[1]):
        return None
    _, prefix, secret = parts
    key = ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not key.user.is_active:
        # Compare anyway, so an unknown prefix takes as long as a wrong secret.
        hmac.compare_digest(secret_digest(secret), "0" * 64)
        return None
    if not hmac.compare_digest(secret_digest(secret), key.secret_sha256):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def presented_key(request) -> str | None:
    """The ``kiwc_...`` key of the request's ``Authorization: Bearer`` header, or None."""
    match = _BEARER_KEY.match(request.headers.get(AUTHORIZATION, ""))
    return match.group(1) if match else None


def judge_key(request, presented: str) -> tuple[guessing.Verdict, ApiKey | None]:
    """Judge a presented key like any credential: refused unchecked while locked, counted when wrong."""
    found: list[ApiKey | None] = []

    def matches() -> bool:
        found.append(api_key_find(presented))
        return found[0] is not None

    verdict = guessing.judge(request, credential=AUTHORIZATION, matches=matches)
    return verdict, (found[0] if verdict.accepted else None)


def request_key(request) -> ApiKey:
    """The active key the request presents (judged once per request); raises 403 (wrong) or 429 (locked out)."""
    http_request = getattr(request, "_request", request)
    key = getattr(http_request, _REQUEST_KEY, None)
    if key is not None:
        return key
    presented = presented_key(request)
    if presented is None:
        raise ApiKeyWrong()
    verdict, key = judge_key(request, presented)
    if verdict.locked_for is not None:
        raise guessing.TooManyFailures(seconds=verdict.locked_for)
    if key is None:
        raise ApiKeyWrong()
    setattr(http_request, _REQUEST_KEY, key)
    return key


def require_key_role(request, role: Role) -> actors.Actor:
    """Let the request in with its API key when the key's owner holds ``role``; the actor is remembered."""
    key = request_key(request)
    if not user_has_role(key.user, role):
        raise ApiKeyLacksRole(role=role)
    actor = actors.Actor(Credential.API_KEY, key.user)
    actors.remember(request, actor)
    return actor
