"""`manage.py backup` of a live daphne (history being stored, uploads arriving), `restore` into a fresh instance.

The restored instance holds exactly the rows the manifest counted, every
file with its checksum, every asset row's file, and serves the assets.
Once in SQLite mode, once on PostgreSQL (pg_dump / pg_restore into a new
database).
"""

import hashlib
import io
import json
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

from assets.tests.conftest import UPLOAD_TOKEN
from status.tests.bridge.conftest import SiteDatabase, wait_for

pytestmark = pytest.mark.slow


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40 + seed, 30), (seed * 40 % 256, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(url: str, content: bytes, title: str) -> dict:
    body, content_type = encode_multipart_formdata({"title": title, "file": ("board.png", content, "image/png")})
    request = urllib.request.Request(
        f"{url}/api/board-assets/",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        return json.loads(response.read())


def asset_detail(url: str, asset_id: str) -> dict:
    request = urllib.request.Request(f"{url}/api/board-assets/{asset_id}", headers={"X-Board-Assets-Key": UPLOAD_TOKEN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts(database: SiteDatabase) -> dict[str, int]:
    if database.url.startswith("sqlite:///"):
        names = [row[0] for row in database.rows("SELECT name FROM sqlite_master WHERE type='table'")]
        names = [name for name in names if not name.startswith("sqlite_")]
    else:
        names = [row[0] for row in database.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {name: database.value(f'SELECT count(*) FROM "{name}"') for name in names}  # noqa: S608


def back_up_live_and_restore(*, source_url, target_url, migrate_target, project_env, manage, start_daphne, tmp_path):
    source_assets = tmp_path / "assets"
    env = project_env(
        DATABASE_URL=source_url,
        BOARD_ASSET_LOCAL_PATH=str(source_assets),
        BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
        STATUS_HISTORY_MIN_INTERVAL_MS="200",
    )
    migrated = manage("migrate", "--noinput", env=env, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    live = start_daphne(env)
    source = SiteDatabase(source_url)
    wait_for(lambda: source.value("SELECT count(*) FROM status_history") >= 2, timeout=20, what="history stored")
    uploaded = {png(seed): upload(live, png(seed), f"before {seed}") for seed in (1, 2)}
    # A file of the second local storage, nested in the first's folder (printer thumbnails).
    thumbnail = source_assets / "printer-thumbnails" / "demo" / "cube.png"
    thumbnail.parent.mkdir(parents=True)
    thumbnail.write_bytes(png(9))

    # One more upload while the backup runs; the demo printer keeps writing history meanwhile.
    during: list[dict] = []
    uploader = threading.Thread(target=lambda: during.append(upload(live, png(3), "during")))
    uploader.start()
    destination = tmp_path / "backup"
    made = manage("backup", str(destination), env=env, timeout=120)
    uploader.join(timeout=60)
    assert during, "the upload during the backup failed"
    assert made.returncode == 0, made.stdout + made.stderr
    assert "[1/3] database" in made.stdout
    assert "[3/3] manifest.json" in made.stdout
    manifest = json.loads((destination / "manifest.json").read_text())
    assert manifest["created_at"].endswith("+00:00")
    counted = manifest["database"]["tables"]
    assert counted["status_history"] >= 2
    assert counted["board_assets"] >= 2
    assert source.value("SELECT count(*) FROM status_history") > 0

    target_assets = tmp_path / "restored-assets"
    target_env = project_env(DATABASE_URL=target_url, BOARD_ASSET_LOCAL_PATH=str(target_assets))
    if migrate_target:  # a fresh instance as deploy.sh leaves it; else one with no database yet
        assert manage("migrate", "--noinput", env=target_env, timeout=180).returncode == 0
    restored = manage("restore", str(destination), env=target_env, timeout=120)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "[1/4] verifying" in restored.stdout

    target = SiteDatabase(target_url)
    assert table_counts(target) == counted
    for alias, folder in (
        ("board_assets", target_assets),
        ("printer_thumbnails", target_assets / "printer-thumbnails"),
    ):
        for entry in manifest["storages"][alias]["files"]:
            assert sha256(folder / entry["path"]) == entry["sha256"], entry
    assert (target_assets / "printer-thumbnails" / "demo" / "cube.png").read_bytes() == thumbnail.read_bytes()
    # Every asset row of the snapshot has its file, and the two uploaded before the backup are there byte for byte.
    for key, digest in target.rows("SELECT storage_key, sha256 FROM board_assets"):
        assert sha256(target_assets / key) == digest
    for content, body in uploaded.items():
        assert (target_assets / f"{body['id']}.png").read_bytes() == content

    served = start_daphne({**target_env, "BOARD_ASSET_UPLOAD_TOKEN": UPLOAD_TOKEN})
    for content, body in uploaded.items():
        assert asset_detail(served, body["id"])["sha256"] == hashlib.sha256(content).hexdigest()
    return destination, target_env


def test_a_sqlite_backup_restores_into_a_fresh_instance(project_env, manage, start_daphne, tmp_path):
    target_url = f"sqlite:///{tmp_path}/restored.sqlite3"
    destination, target_env = back_up_live_and_restore(
        source_url=f"sqlite:///{tmp_path}/live.sqlite3",
        target_url=target_url,
        migrate_target=False,
        project_env=project_env,
        manage=manage,
        start_daphne=start_daphne,
        tmp_path=tmp_path,
    )
    with sqlite3.connect(target_url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # The restored instance now holds data: a second restore needs --force.
    again = manage("restore", str(destination), env=target_env)
    assert again.returncode != 0
    assert "already holds data" in again.stderr
    assert "--force" in again.stderr
    forced = manage("restore", "--force", str(destination), env=target_env)
    assert forced.returncode == 0, forced.stderr


@pytest.mark.requires_postgres
def test_a_postgresql_backup_restores_into_a_fresh_database(
    postgres_database, postgres_url, unique_name, project_env, manage, start_daphne, tmp_path
):
    admin_url = postgres_url.replace("postgres://", "postgresql://", 1)
    target_name = f"{unique_name.replace('-', '_')}_restored"
    target_url = postgres_database.rsplit("/", 1)[0] + f"/{target_name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{target_name}"')
    try:
        destination, _ = back_up_live_and_restore(
            source_url=postgres_database,
            target_url=target_url,
            migrate_target=True,
            project_env=project_env,
            manage=manage,
            start_daphne=start_daphne,
            tmp_path=tmp_path,
        )
        assert (destination / "database.pgdump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
