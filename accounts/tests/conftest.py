"""People with roles and personal API keys, for the account tests and any app's tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User

from accounts.api_keys import api_key_create
from accounts.models import ApiKey


@dataclass
class Person:
    user: User
    key_row: ApiKey
    key: str

    @property
    def bearer(self) -> dict[str, str]:
        """Django test-client keyword arguments sending the key."""
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}


@pytest.fixture
def person(db):
    """person("ada", "operators", ...) -> a user in those groups with one API key."""

    def make(username: str, *roles: str, superuser: bool = False, active: bool = True) -> Person:
        user = User.objects.create_user(username, password="a-long-password-for-tests", is_active=active)
        if superuser:
            user.is_superuser = user.is_staff = True
            user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        row, key = api_key_create(user=user, name=f"{username}'s test key")
        return Person(user=user, key_row=row, key=key)

    return make
