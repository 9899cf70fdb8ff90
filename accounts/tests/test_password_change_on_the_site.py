"""A signed-in user changes his password on the site: the old one stops working, the session stays."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db
OLD, NEW = "a-long-password-for-tests", "another-long-passphrase-7"


def test_the_new_password_replaces_the_old_one(client, person):
    person("ada")
    client.post("/accounts/sign-in", {"username": "ada", "password": OLD})

    changed = client.post("/accounts/password", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})

    assert (changed.status_code, changed["Location"]) == (302, "/accounts/")
    assert "Your password was changed." in client.get("/accounts/").content.decode()
    ada = User.objects.get(username="ada")
    assert ada.check_password(NEW)
    assert not ada.check_password(OLD)


def test_a_wrong_old_password_or_a_weak_new_one_is_shown_on_its_field(client, person):
    person("ada")
    client.post("/accounts/sign-in", {"username": "ada", "password": OLD})

    wrong_old = client.post("/accounts/password", {"old_password": "x", "new_password1": NEW, "new_password2": NEW})
    weak = client.post("/accounts/password", {"old_password": OLD, "new_password1": "123", "new_password2": "123"})

    assert "Your old password was entered incorrectly" in wrong_old.content.decode()
    assert "This password is too short" in weak.content.decode()
    assert User.objects.get(username="ada").check_password(OLD)
