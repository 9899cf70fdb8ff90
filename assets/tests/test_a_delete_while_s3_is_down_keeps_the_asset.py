"""S3 unreachable: DELETE is a 503 that keeps row and file; once S3 is back, a retried DELETE leaves no object."""

import pytest

from assets.models import BoardAsset, ModerationEvent
from assets.tests.conftest import MODERATOR_HEADERS, png_bytes
from assets.tests.test_s3_storage_runs_the_whole_flow import keys, s3_settings  # noqa: F401 - a fixture

pytestmark = [pytest.mark.requires_s3, pytest.mark.slow]

ASSETS = "/admin/assets/boardasset/"


@pytest.fixture
def s3_outage(settings, s3_settings, free_port):  # noqa: F811 - the fixture imported above
    """Switches the app between the real S3 server and a closed port on 127.0.0.1 (nothing listens there)."""
    reachable = settings.STORAGES["board_assets"]
    unreachable = {**reachable, "OPTIONS": {**reachable["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port}"}}

    def down(is_down: bool) -> None:
        settings.STORAGES = {**settings.STORAGES, "board_assets": unreachable if is_down else reachable}

    return down


def test_the_api_answers_503_keeps_everything_and_a_retry_removes_it_all(api, s3_settings, s3_outage):  # noqa: F811
    client, bucket = s3_settings
    asset = api.approved(png_bytes(70, 50), title="On S3", visibility="public")
    stored = sorted([f"{asset['id']}.png", f"{asset['id']}.thumbnail.webp"])
    assert keys(client, bucket) == stored

    s3_outage(True)
    response = api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS)

    assert response.status_code == 503
    assert "file store is unavailable" in response.json()["detail"]
    assert "Try again" in response.json()["detail"]
    assert BoardAsset.objects.filter(pk=asset["id"]).exists()
    assert not ModerationEvent.objects.filter(asset_ref=asset["id"], action="delete").exists()
    assert keys(client, bucket) == stored
    assert [item["id"] for item in api.list().json()["results"]] == [asset["id"]]

    s3_outage(False)
    assert api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS).status_code == 204
    assert not BoardAsset.objects.filter(pk=asset["id"]).exists()
    assert keys(client, bucket) == []


def test_the_admin_says_so_and_keeps_the_asset_then_deletes_it_once_s3_is_back(
    api,
    admin_client,
    s3_settings,  # noqa: F811
    s3_outage,
):
    client, bucket = s3_settings
    single = api.uploaded(png_bytes(71, 50), title="Single")
    first, second = (api.uploaded(png_bytes(72 + n, 50), title=f"Bulk {n}") for n in range(2))
    assert len(keys(client, bucket)) == 6

    s3_outage(True)
    response = admin_client.post(f"{ASSETS}{single['id']}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "file store is unavailable" in response.content.decode()
    bulk = {"action": "delete_selected", "_selected_action": [first["id"], second["id"]], "post": "yes"}
    response = admin_client.post(ASSETS, bulk, follow=True)
    assert response.status_code == 200
    assert response.content.decode().count("file store is unavailable") == 2
    assert BoardAsset.objects.count() == 3
    assert len(keys(client, bucket)) == 6

    s3_outage(False)
    assert admin_client.post(f"{ASSETS}{single['id']}/delete/", {"post": "yes"}).status_code == 302
    response = admin_client.post(ASSETS, bulk, follow=True)
    assert "2 asset(s) deleted" in response.content.decode()
    assert not BoardAsset.objects.exists()
    assert keys(client, bucket) == []
    assert ModerationEvent.objects.filter(action="delete").count() == 3
