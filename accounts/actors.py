"""Who did something: the actor an audit row records (a user, or "token").

An environment token names nobody, so its rows say "token"; a personal API key or a
signed-in session names its user. Views get the actor from the permission check that let the
request in (``actor_of``) and hand it to the service that writes the audit row.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Credential

TOKEN_ACTOR_NAME = "token"  # noqa: S105 (the word audit rows show, not a secret)
_ATTRIBUTE = "klipperiwc_actor"


@dataclass(frozen=True)
class Actor:
    credential: str
    user: object | None = None  # a Django user; None for an environment token

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else TOKEN_ACTOR_NAME  # type: ignore[attr-defined]

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


TOKEN = Actor(Credential.TOKEN)


def signed_in(user) -> Actor:
    return Actor(Credential.SIGN_IN, user)


def _http_request(request):
    return getattr(request, "_request", request)  # DRF's Request wraps Django's


def remember(request, actor: Actor) -> None:
    setattr(_http_request(request), _ATTRIBUTE, actor)


def actor_of(request) -> Actor:
    """The actor the request's credential check found; "token" when it checked an environment token."""
    return getattr(_http_request(request), _ATTRIBUTE, TOKEN)
