"""An invitation link makes one account with the roles it names; used or expired links and made-up ones are refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts.models import Invitation
from accounts.roles import Role, user_has_role
from accounts.services import invitation_create

pytestmark = pytest.mark.django_db
NEW = {"username": "lena", "email": "", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"}


def _invitation(*roles: str, days=None):
    _row, token = invitation_create(created_by=None, roles=Group.objects.filter(name__in=roles), days=days)
    return f"/accounts/invitation/{token}"


def test_the_link_makes_a_signed_in_account_with_the_invited_roles(client):
    link = _invitation("operators")

    page = client.get(link)
    made = client.post(link, NEW)

    assert page.status_code == 200
    assert '<span class="chip">operators</span>' in page.content.decode()
    assert (made.status_code, made["Location"]) == (302, "/accounts/")
    lena = User.objects.get(username="lena")
    assert user_has_role(lena, Role.OPERATOR)
    assert not user_has_role(lena, Role.MODERATOR)
    assert client.session["_auth_user_id"] == str(lena.pk)
    assert Invitation.objects.get().used_by == lena


def test_a_used_link_makes_no_second_account(client):
    link = _invitation("operators")
    client.post(link, NEW)
    client.post("/accounts/sign-out")

    again = client.post(link, {**NEW, "username": "mallory"})

    assert again.status_code == 410
    assert not User.objects.filter(username="mallory").exists()


def test_an_expired_link_is_refused(client):
    link = _invitation("operators")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(link).status_code == 410
    assert client.post(link, NEW).status_code == 410
    assert not User.objects.filter(username="lena").exists()


def test_a_taken_name_or_a_weak_password_is_shown_and_the_link_stays_usable(client):
    User.objects.create_user("lena", password="x-long-password-for-tests")
    link = _invitation("contributors")

    taken = client.post(link, NEW)
    weak = client.post(link, {**NEW, "username": "lena2", "password1": "123", "password2": "123"})
    made = client.post(link, {**NEW, "username": "lena2"})

    assert taken.status_code == 400
    assert "already exists" in taken.content.decode()
    assert weak.status_code == 400
    assert made.status_code == 302
    assert Invitation.objects.get().used_by.username == "lena2"


def test_made_up_links_count_as_guesses(client, settings):
    settings.AUTH_FAILURE_LIMIT = 3

    answers = [client.get(f"/accounts/invitation/made-up-{n}").status_code for n in range(4)]

    assert answers == [410, 410, 429, 429]
