import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from accounts.roles import Role, user_has_role

pytestmark = pytest.mark.django_db


def test_a_user_holds_only_the_roles_of_his_groups():
    user = User.objects.create_user("carla", password="a-long-password-1")
    assert not any(user_has_role(user, role) for role in Role)
    user.groups.add(Group.objects.get(name="moderators"))
    assert [role for role in Role if user_has_role(user, role)] == [Role.MODERATOR]


def test_a_superuser_holds_every_role_and_an_inactive_account_none():
    boss = User.objects.create_superuser("boss", password="a-long-password-2")
    assert all(user_has_role(boss, role) for role in Role)
    boss.is_active = False
    assert not any(user_has_role(boss, role) for role in Role)


def test_an_anonymous_visitor_holds_no_role():
    assert not any(user_has_role(AnonymousUser(), role) for role in Role)
