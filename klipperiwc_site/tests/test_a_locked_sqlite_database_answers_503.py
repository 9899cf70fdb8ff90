"""Embedded mode's database outage: another process holds SQLite's write lock past the timeout.

A write then fails with "database is locked": a moderation decision answers
503 with Retry-After (it answered 500), an upload 503, nothing is stored, and
both work again once the lock is released.
"""

import json
import sqlite3

import pytest

from assets.tests.conftest import MODERATOR_TOKEN, UPLOAD_TOKEN
from klipperiwc_site.tests.test_a_database_outage_answers_503_and_recovers import request, stored_files, upload

pytestmark = pytest.mark.slow


def moderate(url: str, asset_id: str):
    body = json.dumps({"status": "approved", "reviewer": "mod-anna"}).encode()
    headers = {"Content-Type": "application/json", "X-Board-Assets-Moderator": MODERATOR_TOKEN}
    return request(f"{url}/api/board-assets/{asset_id}/moderation", data=body, headers=headers, method="PATCH")


def test_a_write_behind_a_held_lock_answers_503_and_stores_nothing(project_env, manage, start_daphne, tmp_path):
    database = tmp_path / "db.sqlite3"
    storage = tmp_path / "board-assets"
    env = project_env(
        DATABASE_URL=f"sqlite:///{database}?timeout=1",  # seconds a writer waits for the lock
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        BOARD_ASSET_LOCAL_PATH=str(storage),
        LOG_FILE=str(tmp_path / "app.log"),
    )
    assert manage("migrate", "--noinput", env=env).returncode == 0
    url = start_daphne(env)

    status, _, body = upload(url, (1, 2, 3))
    assert status == 201, body
    asset_id = json.loads(body)["id"]
    files_before = stored_files(storage)

    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long-running writer holds it
    try:
        status, headers, body = moderate(url, asset_id)
        assert status == 503, body
        assert "database is unavailable" in json.loads(body)["detail"]
        assert int(headers["Retry-After"]) > 0
        status, _, body = upload(url, (4, 5, 6))
        assert status == 503, body
        assert stored_files(storage) == files_before
        assert request(f"{url}/api/printers/")[0] == 200  # readers are not blocked (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    with sqlite3.connect(database) as reader:
        assert reader.execute("SELECT status FROM board_assets").fetchall() == [("pending",)]
    status, _, body = moderate(url, asset_id)
    assert status == 200, body
    assert json.loads(body)["status"] == "approved"
