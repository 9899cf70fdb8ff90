"""DRF authentication by personal API key, for APIs that act as a person (board submissions).

The token-protected APIs check keys in their permission classes (klipperiwc_site/tokens.py);
APIs that need a user, not a role, authenticate with this and Django's session (CSRF-checked).
"""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication

from accounts import actors, api_keys
from accounts.models import Credential


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        if api_keys.presented_key(request) is None:
            return None
        key = api_keys.request_key(request)  # 403 for a wrong key (counted), 429 while locked out
        actors.remember(request, actors.Actor(Credential.API_KEY, key.user))
        return key.user, key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
