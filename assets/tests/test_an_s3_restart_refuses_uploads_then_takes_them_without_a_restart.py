"""The S3 server stopped and started under a running site: uploads are a 503 that keep nothing, then work again.

A real daphne stores board assets on a SeaweedFS server of the test's own, which the
test stops (the process ends, its port is closed) and starts again on the same port with
the same data, without restarting daphne. While it is away, uploads answer 503 with a JSON
reason, /healthz names the storage, the listing still answers from the database, and no row is
written for an upload that could not be stored; afterwards the same daphne stores uploads
and links to the file stored before the outage, and the bucket holds exactly what the rows
name.
"""

import json
import sqlite3
import urllib.error
import urllib.request

import pytest
from urllib3 import encode_multipart_formdata

from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN, png_bytes

pytestmark = [pytest.mark.requires_s3, pytest.mark.slow]

BUCKET = "restart-drill"


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer (a 3xx HTTPError below)


OPENER = urllib.request.build_opener(KeepRedirects)


def request(url: str, *, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body bytes), for error answers and redirects too."""
    try:
        with OPENER.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def upload(url: str, image: bytes):
    body, content_type = encode_multipart_formdata({"file": ("board.png", image, "image/png")})
    headers = {"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN}
    return request(f"{url}/api/board-assets/", data=body, headers=headers)


@pytest.fixture
def private_s3(tmp_path):
    """A SeaweedFS server of this test's own (the session's shared one is never stopped)."""
    from scripts import s3_server

    try:
        server = s3_server.start(tmp_path / "s3")
    except s3_server.S3ServerError as exc:
        pytest.fail(f"SeaweedFS did not start: {exc}")
    holder = {"server": server}
    yield holder
    holder["server"].stop()


def s3_client(server):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name=server.region,
    )


@pytest.fixture
def site(private_s3, project_env, manage, start_daphne, tmp_path):
    server = private_s3["server"]
    s3_client(server).create_bucket(Bucket=BUCKET)
    database = tmp_path / "db.sqlite3"
    env = project_env(
        DATABASE_URL=f"sqlite:///{database}",
        BOARD_ASSET_STORAGE_BACKEND="s3",
        BOARD_ASSET_S3_BUCKET=BUCKET,
        BOARD_ASSET_S3_ENDPOINT=server.endpoint_url,
        BOARD_ASSET_S3_REGION=server.region,
        AWS_ACCESS_KEY_ID=server.access_key,
        AWS_SECRET_ACCESS_KEY=server.secret_key,
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        LOG_FILE=str(tmp_path / "app.log"),
    )
    migrated = manage("migrate", "--noinput", env=env, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    return start_daphne(env), database


def rows(database) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT storage_key, thumbnail_key FROM board_assets ORDER BY storage_key").fetchall()


def objects(server) -> set[str]:
    return {item["Key"] for item in s3_client(server).list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_uploads_answer_503_and_keep_nothing_while_s3_is_stopped_then_work_again(site, private_s3):
    from scripts import s3_server

    url, database = site
    server = private_s3["server"]
    before = png_bytes(40, 30, color=(1, 2, 3))
    status, _, body = upload(url, before)
    assert status == 201, body
    asset = json.loads(body)["id"]
    moderator = {"X-Board-Assets-Moderator": MODERATOR_TOKEN}
    file_url = f"{url}/api/board-assets/{asset}/file"

    port, data = server.ports["s3"], server.data_dir
    server.stop()
    status, headers, body = upload(url, png_bytes(40, 30, color=(4, 5, 6)))
    assert status == 503, body
    assert headers["Content-Type"] == "application/json"
    assert "nothing was kept" in json.loads(body)["detail"]
    # The file's answer is a presigned link made without asking S3; following it is the client's to retry.
    status, headers, _ = request(file_url, headers=moderator)
    assert status == 302
    assert headers["Location"].startswith(server.endpoint_url)
    status, _, body = request(f"{url}/api/board-assets/", headers=moderator)
    assert status == 200, body
    assert [item["id"] for item in json.loads(body)["results"]] == [asset]
    status, _, body = request(f"{url}/healthz")
    assert (status, json.loads(body)["storage"]) == (503, "unavailable")
    assert len(rows(database)) == 1

    private_s3["server"] = server = s3_server.start(data, port=port)
    # The same daphne: its storage client reconnects by itself.
    status, _, body = upload(url, png_bytes(40, 30, color=(4, 5, 6)))
    assert status == 201, body
    status, headers, _ = request(file_url, headers=moderator)
    assert status == 302
    status, _, body = request(headers["Location"])
    assert (status, body) == (200, before)
    assert request(f"{url}/healthz")[0] == 200
    stored = rows(database)
    assert len(stored) == 2
    assert objects(server) == {key for row in stored for key in row if key}
