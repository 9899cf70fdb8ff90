"""Upload -> moderate -> list -> download -> delete against a real S3-compatible server (SeaweedFS)."""

import urllib.error
import urllib.request

import pytest

from assets.models import BoardAsset
from assets.tests.conftest import MODERATOR_HEADERS, SVG_WITH_SCRIPT, UPLOAD_HEADERS, png_bytes

pytestmark = [pytest.mark.requires_s3, pytest.mark.slow]


@pytest.fixture
def s3_settings(settings, s3_server, s3_bucket):
    client, bucket = s3_bucket
    settings.BOARD_ASSET_STORAGE_BACKEND = "s3"
    settings.BOARD_ASSET_PUBLIC_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "board_assets": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server.endpoint_url,
                "region_name": s3_server.region,
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "signature_version": "s3v4",
                "addressing_style": "path",
            },
        },
    }
    return client, bucket


def keys(client, bucket) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_the_whole_flow_on_s3(api, s3_settings, django_capture_on_commit_callbacks):
    client, bucket = s3_settings
    content = png_bytes(80, 60)

    asset = api.uploaded(content, title="On S3", visibility="public")
    assert keys(client, bucket) == sorted([f"{asset['id']}.png", f"{asset['id']}.thumbnail.webp"])
    stored = client.get_object(Bucket=bucket, Key=f"{asset['id']}.png")["Body"].read()
    assert stored == content

    # Pending: the API hands out a short-lived presigned link; the bucket refuses anything else.
    assert "X-Amz-Signature=" in asset["file_url"]
    status, body, headers = fetch(asset["file_url"])
    assert (status, body) == (200, content)
    assert headers["Content-Type"] == "image/png"
    unsigned = f"{api_endpoint(s3_settings)}/{bucket}/{asset['id']}.png"
    assert fetch(unsigned)[0] == 403
    tampered = asset["file_url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert fetch(tampered)[0] == 403

    assert api.moderate(asset["id"], "approved").status_code == 200
    listed = api.list().json()["results"]
    assert [item["id"] for item in listed] == [asset["id"]]
    # Approved and public: a stable link to the app, which redirects to a fresh presigned URL.
    public_link = listed[0]["file_url"]
    assert public_link == f"http://testserver/api/board-assets/{asset['id']}/file"
    redirect = api.client.get(public_link.replace("http://testserver", ""))
    assert redirect.status_code == 302
    assert fetch(redirect["Location"])[1] == content
    thumbnail = api.client.get(f"/api/board-assets/{asset['id']}/thumbnail")
    assert fetch(thumbnail["Location"])[1][8:12] == b"WEBP"

    with django_capture_on_commit_callbacks(execute=True):
        assert api.client.delete(f"/api/board-assets/{asset['id']}", **MODERATOR_HEADERS).status_code == 204
    assert keys(client, bucket) == []
    assert not BoardAsset.objects.exists()


def test_an_svg_on_s3_is_sanitised_and_served_as_a_download(api, s3_settings):
    client, bucket = s3_settings
    asset = api.uploaded(SVG_WITH_SCRIPT, name="board.svg")
    stored = client.get_object(Bucket=bucket, Key=f"{asset['id']}.svg")["Body"].read()
    assert b"<script" not in stored
    status, body, headers = fetch(api.get(asset["id"], headers=UPLOAD_HEADERS).json()["file_url"])
    assert (status, body) == (200, stored)
    assert headers["Content-Type"] == "image/svg+xml"
    assert headers["Content-Disposition"].startswith("attachment")


def test_an_unreachable_bucket_leaves_no_row(api, s3_settings, settings):
    board_assets = settings.STORAGES["board_assets"]
    settings.STORAGES = {
        **settings.STORAGES,
        "board_assets": {**board_assets, "OPTIONS": {**board_assets["OPTIONS"], "bucket_name": "no-such-bucket"}},
    }
    response = api.upload(png_bytes(90, 90))
    assert response.status_code == 503
    assert not BoardAsset.objects.exists()


def api_endpoint(s3_settings) -> str:
    client, _bucket = s3_settings
    return client.meta.endpoint_url
