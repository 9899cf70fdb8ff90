"""An admin makes an invitation in the admin: its link is shown once, in the message after saving, then never."""

import re

import pytest
from django.contrib.auth.models import Group

from accounts.models import Invitation

pytestmark = pytest.mark.django_db


def test_the_link_is_in_the_message_and_not_on_the_invitations_page(admin_client):
    operators = Group.objects.get(name="operators")

    saved = admin_client.post(
        "/admin/accounts/invitation/add/", {"roles": [operators.pk], "note": "Lena", "days": 3}, follow=True
    )
    link = re.search(r"http://testserver(/accounts/invitation/[\w-]+)", saved.content.decode()).group(1)
    invitation = Invitation.objects.get()
    change_page = admin_client.get(f"/admin/accounts/invitation/{invitation.pk}/change/").content.decode()

    assert list(invitation.roles.all()) == [operators]
    assert invitation.note == "Lena"
    assert link.rsplit("/", 1)[1] not in change_page
    assert admin_client.get(link).status_code == 200
