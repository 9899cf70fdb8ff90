"""A header token from a setting: one DRF permission for every "send header X holding setting Y" API.

    PrinterAdmin = header_token_permission(
        header="X-Printer-Admin-Key", setting="PRINTER_ADMIN_TOKEN", realm="printer-admin"
    )

    class MyView(APIView):
        authentication_classes: list = []
        permission_classes = [PrinterAdmin]

The answers, the same for every such token:
- the setting is empty: 503 ``{"detail": "... is not configured on this server (SETTING is not set)."}``.
  An unset token closes the endpoint; it never opens it.
- no header (or an empty one): 401 with ``WWW-Authenticate: Token realm="...", header="..."``.
- a header with another value: 403, counted as a failed credential of the client's address;
  after AUTH_FAILURE_LIMIT of them the address is locked out: 429 with Retry-After for every
  request that sends a token, right or wrong, for AUTH_LOCKOUT_SECONDS (klipperiwc_site/guessing.py).
The comparison is constant-time (hmac.compare_digest) and the setting is read on each
request (so override_settings and tests work). No answer, exception text or log line
holds the presented or the configured token; the answers name the header and the setting only.

(assets/permissions.py predates this module and keeps its own two-role checks.)
"""

from __future__ import annotations

import hmac
from collections.abc import Collection

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission

from accounts import actors, api_keys
from accounts.roles import Role
from klipperiwc_site import guessing
from klipperiwc_site.api import ErrorSerializer
from klipperiwc_site.openapi import DATABASE_DOWN

PRINTER_ADMIN_HEADER = "X-Printer-Admin-Key"
PRINTER_CONTROL_HEADER = "X-Printer-Control-Key"


class TokenNotConfigured(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "not_configured"

    def __init__(self, *, what: str, setting: str) -> None:
        super().__init__(f"{what} is not configured on this server ({setting} is not set).")


class TokenMissing(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_missing"

    def __init__(self, *, header: str, realm: str, role: Role | None = None) -> None:
        if role is None:
            super().__init__(f"This endpoint needs the {header} header.")
        else:
            super().__init__(
                f"This endpoint needs the {header} header, or the personal API key of someone in the "
                f"{role.value} group (Authorization: Bearer kiwc_...)."
            )
        # DRF's exception handler sends this as the WWW-Authenticate response header.
        self.auth_header = f'Token realm="{realm}", header="{header}"'


class TokenWrong(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "token_wrong"

    def __init__(self, *, header: str) -> None:
        super().__init__(f"The {header} header does not hold a valid token for this endpoint.")


def _bytes(text: str) -> bytes:
    # Header values arrive as latin-1 decoded text; surrogatepass keeps any str encodable,
    # so odd input is a mismatch, never an exception.
    return text.encode("utf-8", "surrogatepass")


def token_matches(presented: str | None, configured: str | None) -> bool:
    """Constant-time comparison; an unset (empty) configured token matches nothing."""
    if not configured or not presented:
        return False
    return hmac.compare_digest(_bytes(presented), _bytes(configured))


def require_header_token(
    request, *, header: str, setting: str, realm: str, what: str | None = None, role: Role | None = None
) -> None:
    """Raise 503 / 401 / 403 (as above) unless ``request`` sends ``header`` holding ``settings.<setting>``.

    With ``role``, a personal API key (``Authorization: Bearer kiwc_...``) whose owner holds
    ``role`` opens it too, also while the setting is unset (accounts/api_keys.py); the header
    wins when both are sent. The actor (accounts/actors.py) is remembered on the request.
    """
    presented = request.headers.get(header)
    if role is not None and not presented and api_keys.presented_key(request) is not None:
        api_keys.require_key_role(request, role)
        return
    configured = getattr(settings, setting, "") or ""
    if not configured:
        raise TokenNotConfigured(what=what or f"The {header} token", setting=setting)
    if not presented:
        raise TokenMissing(header=header, realm=realm, role=role)
    guessing.require(
        request,
        credential=header,
        matches=lambda: token_matches(presented, configured),
        wrong=TokenWrong(header=header),
    )
    actors.remember(request, actors.TOKEN)


def header_token_permission(
    *,
    header: str,
    setting: str,
    realm: str,
    what: str | None = None,
    methods: Collection[str] | None = None,
    role: Role | None = None,
) -> type[BasePermission]:
    """A DRF permission class requiring ``header`` = ``settings.<setting>``.

    ``what`` names the closed thing in the 503 ("The printer admin API"); by default the
    header's token. ``role``: the role whose personal API keys open it too. ``methods`` limits
    the check to those HTTP methods (e.g. {"PATCH", "DELETE"} on a view whose GET is public);
    None checks every method.
    """
    checked = None if methods is None else frozenset(m.upper() for m in methods)

    class HeaderToken(BasePermission):
        token_header = header
        token_setting = setting
        token_realm = realm

        def has_permission(self, request, view) -> bool:
            method = request.method.upper()
            if checked is not None and method not in checked:
                return True
            if method != "OPTIONS" and not hasattr(view, method.lower()):
                return True  # the view does not answer it: a 405, not a 401 asking for a token
            require_header_token(request, header=header, setting=setting, realm=realm, what=what, role=role)
            return True

    HeaderToken.__name__ = HeaderToken.__qualname__ = f"HeaderToken_{setting}"
    HeaderToken.__doc__ = f"Requires the {header} header holding {setting}."
    return HeaderToken


def header_token_responses(*, header: str, setting: str, database: bool = True) -> dict[int, OpenApiResponse]:
    """extend_schema(responses=...) entries for an operation behind such a token: 401, 403, 503.

    (The 429 of a locked-out address is added to every operation with a token by
    klipperiwc_site/openapi.py.) Pair with ``header_token_challenge(header=...)`` in parameters= for the 401's header.
    """
    unavailable = f"{setting} is not set on this server (the endpoint is closed)."
    if database:
        unavailable = f"{unavailable} {DATABASE_DOWN}"
    return {
        401: OpenApiResponse(ErrorSerializer, description=f"No {header} header."),
        403: OpenApiResponse(ErrorSerializer, description=f"The {header} header holds a wrong token."),
        503: OpenApiResponse(ErrorSerializer, description=unavailable),
    }


def header_token_challenge(*, header: str) -> OpenApiParameter:
    """The WWW-Authenticate header of the 401, for extend_schema(parameters=...)."""
    return OpenApiParameter(
        "WWW-Authenticate",
        str,
        OpenApiParameter.HEADER,
        response=[401],
        description=f"Names the token header ({header}).",
    )


# The printer tokens (issue 10): the admin API (create, change, delete printers) and control
# (actions, G-code, files). The settings refuse the same value for both.
PrinterAdminToken = header_token_permission(
    header=PRINTER_ADMIN_HEADER,
    setting="PRINTER_ADMIN_TOKEN",
    realm="printer-admin",
    what="The printer admin API",
    role=Role.OPERATOR,
)
PrinterControlToken = header_token_permission(
    header=PRINTER_CONTROL_HEADER,
    setting="PRINTER_CONTROL_TOKEN",
    realm="printer-control",
    what="Printer control",
    role=Role.OPERATOR,
)
