"""After migrate, each role group holds the model permissions its members need in the admin."""

import pytest
from django.contrib.auth.models import Group, User

pytestmark = pytest.mark.django_db


def test_moderators_may_moderate_assets_and_submissions_and_operators_manage_printers():
    moderators = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="moderators").permissions.all()
    }
    operators = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="operators").permissions.all()
    }

    assert {"assets.change_boardasset", "submissions.change_boardsubmission", "accounts.change_signup"} <= moderators
    assert "status.change_printer" not in moderators
    assert {"status.add_printer", "status.change_printer", "status.view_printeraction"} <= operators
    assert "assets.change_boardasset" not in operators


def test_a_staff_moderator_opens_the_asset_queue_in_the_admin(client):
    mona = User.objects.create_user("mona", password="a-long-password-for-tests", is_staff=True)
    mona.groups.add(Group.objects.get(name="moderators"))
    client.force_login(mona)

    assert client.get("/admin/assets/boardasset/").status_code == 200
    assert client.get("/admin/submissions/boardsubmission/").status_code == 200
    assert client.get("/admin/status/printer/add/").status_code == 403
