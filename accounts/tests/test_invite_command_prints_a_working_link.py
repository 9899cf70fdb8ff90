"""manage.py invite prints a link (once) that makes an account with the roles it was given."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.roles import Role, user_has_role

pytestmark = pytest.mark.django_db


def test_the_printed_link_invites_a_moderator(client):
    out, err = io.StringIO(), io.StringIO()
    call_command("invite", "--role", "moderators", "--base-url", "https://farm.example.org/", stdout=out, stderr=err)
    link = out.getvalue().strip()

    assert link.startswith("https://farm.example.org/accounts/invitation/")
    assert "roles moderators" in err.getvalue()
    path = link.removeprefix("https://farm.example.org")
    made = client.post(path, {"username": "mo", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"})
    assert made.status_code == 302
    assert user_has_role(User.objects.get(username="mo"), Role.MODERATOR)
