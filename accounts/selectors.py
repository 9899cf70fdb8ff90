"""Reads of the accounts app."""

from __future__ import annotations

from accounts.models import ApiKey
from accounts.roles import Role, user_has_role


def user_roles(user) -> list[Role]:
    return [role for role in Role if user_has_role(user, role)]


def user_api_keys(user):
    """The user's keys, active ones first, newest first."""
    return ApiKey.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")
