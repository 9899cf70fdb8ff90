"""Moderators work in /admin/: the queue, previews, bulk and per-asset decisions, the history."""

import re

from assets.models import BoardAsset
from assets.tests.conftest import png_bytes

CHANGELIST = "/admin/assets/boardasset/"


def ids_in_order(html: str, assets: list[dict]) -> list[str]:
    positions = {asset["id"]: html.index(f"/admin/assets/boardasset/{asset['id']}/change/") for asset in assets}
    return sorted(positions, key=positions.__getitem__)


def test_the_list_shows_pending_first_oldest_first_with_previews(api, admin_client):
    old_pending = api.uploaded(png_bytes(20, 20), title="old pending")
    approved = api.approved(png_bytes(21, 21), title="approved")
    new_pending = api.uploaded(png_bytes(22, 22), title="new pending")

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert ids_in_order(html, [old_pending, approved, new_pending]) == [
        old_pending["id"],
        new_pending["id"],
        approved["id"],
    ]
    assert f'src="/api/board-assets/{old_pending["id"]}/thumbnail"' in html
    # The preview opens for the logged-in moderator although the asset is pending.
    preview = admin_client.get(f"/api/board-assets/{old_pending['id']}/thumbnail")
    assert preview.status_code == 200


def test_search_and_filters_find_assets(api, admin_client):
    wanted = api.uploaded(png_bytes(30, 30), title="Octopus", uploaded_by="kim")
    api.uploaded(png_bytes(31, 31), title="Spider", uploaded_by="lee")

    for query in ("?q=Octopus", "?q=kim", f"?q={wanted['sha256']}", "?status__exact=pending&q=octo"):
        html = admin_client.get(CHANGELIST + query).content.decode()
        assert "Octopus" in html, query
        assert "Spider" not in html, query
    assert "Octopus" not in admin_client.get(CHANGELIST + "?status__exact=approved").content.decode()


def test_bulk_approve_writes_an_event_per_asset_with_the_moderator_as_reviewer(api, admin_client, admin_user):
    assets = [api.uploaded(png_bytes(40 + n, 40)) for n in range(3)]

    response = admin_client.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [asset["id"] for asset in assets]},
        follow=True,
    )

    assert response.status_code == 200
    assert "3 asset(s) approved" in response.content.decode()
    for asset in BoardAsset.objects.all():
        assert asset.status == "approved"
        assert asset.reviewer == admin_user.username
        assert [event.status for event in asset.events.all()] == ["pending", "approved"]


def test_bulk_reject_asks_for_a_note_first(api, admin_client):
    assets = [api.uploaded(png_bytes(50 + n, 50)) for n in range(2)]
    selected = {"action": "reject_selected", "_selected_action": [asset["id"] for asset in assets]}

    form = admin_client.post(CHANGELIST, selected)
    assert form.status_code == 200
    assert 'name="notes"' in form.content.decode()
    assert set(BoardAsset.objects.values_list("status", flat=True)) == {"pending"}

    without_note = admin_client.post(CHANGELIST, {**selected, "apply": "1", "notes": ""})
    assert without_note.status_code == 200
    assert "This field is required" in without_note.content.decode()
    assert set(BoardAsset.objects.values_list("status", flat=True)) == {"pending"}

    done = admin_client.post(CHANGELIST, {**selected, "apply": "1", "notes": "Photos of a different board"})
    assert done.status_code == 302
    for asset in BoardAsset.objects.all():
        assert (asset.status, asset.notes) == ("rejected", "Photos of a different board")
        assert asset.events.last().notes == "Photos of a different board"


def test_one_asset_is_approved_or_rejected_from_its_page_and_shows_its_history(api, admin_client):
    asset = api.uploaded(png_bytes(60, 60), title="Pico")
    page = admin_client.get(f"{CHANGELIST}{asset['id']}/change/").content.decode()
    assert f"{CHANGELIST}{asset['id']}/moderate/approved/" in page
    assert f"{CHANGELIST}{asset['id']}/moderate/rejected/" in page

    reject_url = f"{CHANGELIST}{asset['id']}/moderate/rejected/"
    assert admin_client.post(reject_url, {"notes": ""}).status_code == 200  # the form again, with its error
    assert BoardAsset.objects.get(pk=asset["id"]).status == "pending"
    assert admin_client.post(reject_url, {"notes": "Too dark"}).status_code == 302
    assert admin_client.post(f"{CHANGELIST}{asset['id']}/moderate/approved/", {"notes": ""}).status_code == 302

    page = admin_client.get(f"{CHANGELIST}{asset['id']}/change/").content.decode()
    history = page[page.index("Moderation history") :]
    assert re.search(r"rejected.*Too dark", history, re.S)
    assert "approved" in history
    # The history is read-only: no inputs for its rows.
    assert 'name="events-0-notes"' not in page
    assert BoardAsset.objects.get(pk=asset["id"]).events.count() == 3


def test_metadata_edits_in_the_admin_keep_the_moderation_state(api, admin_client):
    asset = api.uploaded(title="old title", visibility="private")
    response = admin_client.post(
        f"{CHANGELIST}{asset['id']}/change/",
        {
            "title": "new title",
            "description": "",
            "visibility": "public",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = BoardAsset.objects.get(pk=asset["id"])
    assert (saved.title, saved.visibility, saved.status) == ("new title", "public", "pending")
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403  # uploads come through the API
