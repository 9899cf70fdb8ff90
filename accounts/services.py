"""Writes of the accounts app: invitations, sign-ups and their confirmation.

(Personal API keys have their own module, accounts/api_keys.py, because every token check uses it.)
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.api_keys import secret_digest
from accounts.models import Invitation, SignUp
from accounts.roles import Role, user_has_role

logger = logging.getLogger(__name__)


class AccountRefused(Exception):
    """An account write that cannot be done; ``message`` says why, for the page or the command."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def invitation_path(token: str) -> str:
    return f"/accounts/invitation/{token}"


def invitation_save(*, invitation: Invitation, created_by: User | None, days: int | None = None) -> str:
    """Give a new (unsaved) invitation its secret and expiry and save it; returns the token, which is not stored.

    The admin's add form fills ``invitation`` (note) and sets its roles after this.
    """
    token = secrets.token_urlsafe(32)
    invitation.token_sha256 = secret_digest(token)
    invitation.note = invitation.note.strip()[:200]
    invitation.created_by = created_by
    invitation.expires_at = timezone.now() + timedelta(days=days or settings.INVITATION_DAYS)
    invitation.save()
    return token


@transaction.atomic
def invitation_create(
    *, created_by: User | None, roles: Iterable[Group] = (), note: str = "", days: int | None = None
) -> tuple[Invitation, str]:
    """A new invitation; returns it and its token (the link's secret part)."""
    invitation = Invitation(note=note)
    token = invitation_save(invitation=invitation, created_by=created_by, days=days)
    invitation.roles.set(roles)
    return invitation, token


def invitation_open(token: str) -> Invitation | None:
    """The unused, unexpired invitation of ``token``, or None."""
    return (
        Invitation.objects.filter(
            token_sha256=secret_digest(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .prefetch_related("roles")
        .first()
    )


def _new_user(*, username: str, password: str, email: str) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise AccountRefused("An account with that name exists already; choose another.", field="username")
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, password=password, email=email)
    except IntegrityError:  # made meanwhile by another request
        raise AccountRefused("An account with that name exists already; choose another.", field="username") from None


def invitation_accept(*, token: str, username: str, password: str, email: str = "") -> User:
    """Make the invited account (with the invitation's roles) and use the invitation up, once."""
    with transaction.atomic():
        found = Invitation.objects.select_for_update().filter(token_sha256=secret_digest(token)).first()
        if found is None or found.used_at is not None or found.expires_at <= timezone.now():
            raise AccountRefused("This invitation link was used already or has expired; ask for a new one.")
        user = _new_user(username=username, password=password, email=email)
        user.groups.set(found.roles.all())
        found.used_at = timezone.now()
        found.used_by = user
        found.save(update_fields=["used_at", "used_by"])
    logger.info("Invitation %s used by the new account %s", found.pk, user.pk)
    return user


def sign_up(*, username: str, password: str, email: str = "") -> User:
    """An account made by signing up: no roles, pending a moderator's confirmation."""
    if not settings.SIGNUP_OPEN:
        raise AccountRefused("Signing up is closed on this hub (SIGNUP_OPEN is off); ask an admin for an invitation.")
    with transaction.atomic():
        user = _new_user(username=username, password=password, email=email)
        SignUp.objects.create(user=user)
    logger.info("New signed-up account %s, pending confirmation", user.pk)
    return user


def sign_up_decide(*, sign_up: SignUp, confirm: bool, moderator: User) -> SignUp:
    """Confirm a pending sign-up (it joins contributors) or refuse it (the account is disabled)."""
    if not user_has_role(moderator, Role.MODERATOR):
        raise AccountRefused("Only moderators confirm or refuse sign-ups.")
    with transaction.atomic():
        locked = SignUp.objects.select_for_update().select_related("user").get(pk=sign_up.pk)
        if locked.state != SignUp.State.PENDING:
            raise AccountRefused(f"This sign-up was {locked.state} already.")
        account = locked.user
        if not confirm and (account.is_staff or account.is_superuser or account.groups.exists()):
            raise AccountRefused(
                "This account has roles or staff status now (an admin gave them); change it in the admin instead."
            )
        locked.state = SignUp.State.CONFIRMED if confirm else SignUp.State.REFUSED
        locked.decided_at = timezone.now()
        locked.decided_by = moderator
        locked.save(update_fields=["state", "decided_at", "decided_by"])
        if confirm:
            locked.user.groups.add(Group.objects.get(name=Role.CONTRIBUTOR.value))
        else:
            locked.user.is_active = False
            locked.user.save(update_fields=["is_active"])
    logger.info("Sign-up of account %s %s by %s", locked.user_id, locked.state, moderator.pk)
    return locked


def user_can_submit(user) -> bool:
    """Whether ``user`` may submit hardware: contributors, and signed-up accounts not refused (confirmed or not)."""
    if user_has_role(user, Role.CONTRIBUTOR):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return SignUp.objects.filter(user=user, state=SignUp.State.PENDING).exists()
