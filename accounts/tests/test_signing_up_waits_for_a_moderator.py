"""With SIGNUP_OPEN, anyone signs up: the account may submit hardware only, until a moderator confirms it."""

import pytest
from django.contrib.auth.models import User

from accounts.models import SignUp
from accounts.roles import Role, user_has_role
from accounts.services import user_can_submit

pytestmark = pytest.mark.django_db
NEW = {
    "username": "sam",
    "email": "sam@example.org",
    "password1": "a-long-passphrase-9",
    "password2": "a-long-passphrase-9",
}


def test_sign_up_is_closed_unless_signup_open(client, settings):
    settings.SIGNUP_OPEN = False

    assert client.get("/accounts/sign-up").status_code == 404
    assert client.post("/accounts/sign-up", NEW).status_code == 404
    assert "sign up" not in client.get("/accounts/sign-in").content.decode()
    assert not User.objects.filter(username="sam").exists()


def test_a_signed_up_account_can_submit_but_holds_no_role(client, settings):
    settings.SIGNUP_OPEN = True

    made = client.post("/accounts/sign-up", NEW)

    assert made.status_code == 302
    sam = User.objects.get(username="sam")
    assert SignUp.objects.get(user=sam).state == "pending"
    assert user_can_submit(sam)
    assert not any(user_has_role(sam, role) for role in Role)


def test_a_moderator_confirms_one_and_refuses_another_on_the_site(client, settings, person):
    settings.SIGNUP_OPEN = True
    client.post("/accounts/sign-up", NEW)
    client.post("/accounts/sign-out")
    client.post("/accounts/sign-up", {**NEW, "username": "spam", "email": ""})
    client.post("/accounts/sign-out")
    person("mona", "moderators")
    client.post("/accounts/sign-in", {"username": "mona", "password": "a-long-password-for-tests"})
    sam, spam = SignUp.objects.get(user__username="sam"), SignUp.objects.get(user__username="spam")

    listed = client.get("/accounts/sign-ups").content.decode()
    client.post(f"/accounts/sign-ups/{sam.pk}/confirm")
    client.post(f"/accounts/sign-ups/{spam.pk}/refuse")

    assert "sam@example.org" in listed
    sam.refresh_from_db()
    spam.refresh_from_db()
    assert (sam.state, sam.decided_by.username) == ("confirmed", "mona")
    assert user_has_role(sam.user, Role.CONTRIBUTOR)
    assert spam.state == "refused"
    assert not spam.user.is_active
    assert not user_can_submit(spam.user)


def test_only_moderators_see_or_decide_sign_ups(client, settings, person):
    settings.SIGNUP_OPEN = True
    client.post("/accounts/sign-up", NEW)
    pending = SignUp.objects.get()

    listed = client.get("/accounts/sign-ups")
    decided = client.post(f"/accounts/sign-ups/{pending.pk}/confirm")

    assert listed.status_code == 403
    assert decided.status_code == 403
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_a_sign_up_that_got_roles_meanwhile_is_not_disabled_by_a_refusal(client, settings, person):
    from django.contrib.auth.models import Group

    settings.SIGNUP_OPEN = True
    client.post("/accounts/sign-up", NEW)
    sam = User.objects.get(username="sam")
    sam.groups.add(Group.objects.get(name="operators"))
    person("mona", "moderators")
    client.post("/accounts/sign-in", {"username": "mona", "password": "a-long-password-for-tests"})

    client.post(f"/accounts/sign-ups/{SignUp.objects.get().pk}/refuse")

    sam.refresh_from_db()
    assert sam.is_active
    assert SignUp.objects.get().state == "pending"
