"""Token checks of the board-asset API.

Uploaders send X-Board-Assets-Key (BOARD_ASSET_UPLOAD_TOKEN), moderators
X-Board-Assets-Moderator (BOARD_ASSET_MODERATION_TOKEN). Tokens are compared
in constant time and never logged; an endpoint whose token is not configured
is closed (503), not open. The two tokens are not interchangeable. A wrong
token counts as a failed credential of the client's address, which is locked
out (429) after AUTH_FAILURE_LIMIT of them (klipperiwc_site/guessing.py).
"""

from __future__ import annotations

import hmac
from enum import Enum
from functools import partial

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission

from accounts import actors, api_keys
from accounts.models import Credential
from accounts.roles import Role as AccountRole
from accounts.roles import user_has_role
from klipperiwc_site import guessing

UPLOAD_HEADER = "X-Board-Assets-Key"
MODERATOR_HEADER = "X-Board-Assets-Moderator"


class Role(Enum):
    UPLOADER = "uploader"
    MODERATOR = "moderator"


class TokenMissing(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_missing"

    def __init__(self, header: str) -> None:
        super().__init__(f"This endpoint needs the {header} header.")
        # DRF's handler turns this into a WWW-Authenticate response header.
        self.auth_header = f'Token realm="board-assets", header="{header}"'


class TokenWrong(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "token_wrong"

    def __init__(self, header: str) -> None:
        super().__init__(f"The {header} header does not hold a valid token for this endpoint.")


class OtherRolesHeader(TokenWrong):
    """The request sent the other role's header only: say which one is needed and which one came."""

    def __init__(self, header: str, sent: str, needed_token: str) -> None:
        APIException.__init__(
            self,
            f"This endpoint needs the {header} header ({needed_token}); the request sent only {sent}, "
            "which does not open it.",
        )


class NotConfigured(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "not_configured"

    def __init__(self, variable: str, what: str) -> None:
        super().__init__(f"{what} are not configured on this server ({variable} is not set).")


_ROLES = {
    Role.UPLOADER: (UPLOAD_HEADER, "BOARD_ASSET_UPLOAD_TOKEN", "Board-asset uploads"),
    Role.MODERATOR: (MODERATOR_HEADER, "BOARD_ASSET_MODERATION_TOKEN", "Board-asset moderation endpoints"),
}


_TOKEN_NAMES = {Role.UPLOADER: "the upload token", Role.MODERATOR: "the moderator token"}


def token_matches(presented: str | None, configured: str) -> bool:
    """Constant-time comparison; an unset token matches nothing."""
    if not configured or presented is None:
        return False
    return hmac.compare_digest(presented.encode(), configured.encode())


def _header(request, name: str) -> str | None:
    return request.headers.get(name)


# The people's role (accounts/roles.py) whose personal API keys hold each token's role.
ACCOUNT_ROLES = {Role.UPLOADER: AccountRole.CONTRIBUTOR, Role.MODERATOR: AccountRole.MODERATOR}


def require_role(request, role: Role) -> None:
    """Raise 503 / 401 / 403 unless the request holds ``role``'s token, or a key of someone with its role."""
    header, variable, what = _ROLES[role]
    presented = _header(request, header)
    if presented is None and api_keys.presented_key(request) is not None:
        api_keys.require_key_role(request, ACCOUNT_ROLES[role])
        return
    configured = getattr(settings, variable)
    if not configured:
        raise NotConfigured(variable, what)
    if presented is None:
        other_header = _ROLES[Role.MODERATOR if role is Role.UPLOADER else Role.UPLOADER][0]
        if _header(request, other_header) is not None:
            # A token, but for the other role: 403, naming both headers.
            raise OtherRolesHeader(header, other_header, _TOKEN_NAMES[role])
        raise TokenMissing(header)
    if not presented:
        raise TokenWrong(header)  # an empty header guesses nothing: refused, not counted
    guessing.require(
        request, credential=header, matches=lambda: token_matches(presented, configured), wrong=TokenWrong(header)
    )
    actors.remember(request, actors.TOKEN)


def roles_of(request) -> set[Role]:
    """The roles whose token the request presents, or its API key's owner holds; a wrong one is a 403."""
    roles = set()
    if api_keys.presented_key(request) is not None:
        key = api_keys.request_key(request)
        roles = {role for role, account_role in ACCOUNT_ROLES.items() if user_has_role(key.user, account_role)}
        if roles:
            actors.remember(request, actors.Actor(Credential.API_KEY, key.user))
    for role, (header, variable, _what) in _ROLES.items():
        presented = _header(request, header)
        if presented is None:
            continue
        if not presented:
            raise TokenWrong(header)  # an empty header guesses nothing: refused, not counted
        configured = getattr(settings, variable)
        guessing.require(
            request,
            credential=header,
            matches=partial(token_matches, presented, configured),
            wrong=TokenWrong(header),
        )
        roles.add(role)
    return roles


class HasUploadToken(BasePermission):
    def has_permission(self, request, view) -> bool:
        require_role(request, Role.UPLOADER)
        return True


class HasModeratorToken(BasePermission):
    def has_permission(self, request, view) -> bool:
        require_role(request, Role.MODERATOR)
        return True
