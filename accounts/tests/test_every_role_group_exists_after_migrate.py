import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    assert {role.value for role in Role} == {"contributors", "moderators", "operators"}
