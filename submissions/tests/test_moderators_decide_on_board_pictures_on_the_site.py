"""Moderators approve or reject (with a note) pending board pictures on /submissions, recorded in their name."""

import io

import pytest

from assets.models import BoardAsset
from assets.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _picture(client, person, color):
    upload = io.BytesIO(png_bytes(64, 48, color))
    upload.name = "board.png"
    response = client.post("/api/board-assets/", {"file": upload}, **person.bearer)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_the_queue_lists_pending_pictures_and_takes_decisions(client, person):
    carla, mona = person("carla", "contributors"), person("mona", "moderators")
    first, second = _picture(client, carla, (200, 0, 0)), _picture(client, carla, (0, 200, 0))
    client.force_login(mona.user)

    listed = client.get("/submissions").content.decode()
    client.post(f"/submissions/pictures/{first}/decision", {"decision": "approve"})
    refused = client.post(f"/submissions/pictures/{second}/decision", {"decision": "reject"}, follow=True)
    client.post(f"/submissions/pictures/{second}/decision", {"decision": "reject", "notes": "Blurry."})

    assert f'data-asset="{first}"' in listed
    assert f'data-asset="{second}"' in listed
    assert "Rejecting needs notes" in refused.content.decode()
    approved, rejected = BoardAsset.objects.get(pk=first), BoardAsset.objects.get(pk=second)
    assert (approved.status, approved.reviewer) == ("approved", "mona")
    assert (rejected.status, rejected.notes) == ("rejected", "Blurry.")
    event = approved.events.filter(action="decision").get()
    assert (event.user, event.credential) == (mona.user, "sign_in")


def test_others_see_no_queue_and_cannot_decide(client, person):
    carla = person("carla", "contributors")
    asset = _picture(client, carla, (0, 0, 200))
    client.force_login(carla.user)

    assert 'data-testid="picture-queue"' not in client.get("/submissions").content.decode()
    assert client.post(f"/submissions/pictures/{asset}/decision", {"decision": "approve"}).status_code == 404
    assert BoardAsset.objects.get(pk=asset).status == "pending"
