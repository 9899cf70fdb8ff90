import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_moderators_see_the_catalog_but_cannot_change_it(admin_client):
    call_command("sync_boards", stdout=io.StringIO())
    listing = admin_client.get("/admin/boards/board/?q=octopus").content.decode()
    assert "btt-octopus-v1.1" in listing
    assert "btt-skr-pico-v1.0" not in listing
    page = admin_client.get("/admin/boards/board/btt-octopus-v1.1/change/")
    assert page.status_code == 200
    assert "stm32f446" in page.content.decode()
    assert 'name="name"' not in page.content.decode()  # no editable fields
    assert admin_client.get("/admin/boards/board/add/").status_code == 403
    assert admin_client.post("/admin/boards/board/btt-octopus-v1.1/delete/", {"post": "yes"}).status_code == 403
