"""`manage.py restore` checks the whole backup first: a damaged one is refused, naming the problem; nothing changes."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import PROJECT_PREFIXES, PROJECT_ROOT, PROJECT_VARIABLES

pytestmark = pytest.mark.slow


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def site_env(folder) -> dict[str, str]:
    # As conftest's project_env builds it (that fixture is per test; this backup is made once per module).
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES and not k.startswith(PROJECT_PREFIXES)}
    return {
        **env,
        "LOG_FILE": "-",
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "BOARD_ASSET_LOCAL_PATH": str(folder / "assets"),
    }


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    env = site_env(folder)
    assert run_manage("migrate", "--noinput", env=env).returncode == 0
    (folder / "assets").mkdir()
    (folder / "assets" / "board.png").write_bytes(b"\x89PNG pretend board picture")
    made = run_manage("backup", str(folder / "backup"), env=env)
    assert made.returncode == 0, made.stderr
    return folder / "backup"


def damage_manifest_json(backup):
    (backup / "manifest.json").write_text('{"format": "klipperiwc-backup", "database": {')


def damage_file_bytes(backup):
    path = backup / "files" / "board_assets" / "board.png"
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF  # same size, other bytes: only the checksum tells
    path.write_bytes(bytes(content))


def damage_database(backup):
    path = backup / "database.sqlite3"
    path.write_bytes(path.read_bytes()[:4096])


def remove_manifest(backup):
    (backup / "manifest.json").unlink()


def escape_the_folder(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["storages"]["board_assets"]["files"][0]["path"] = "../../outside.png"
    (backup / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (damage_manifest_json, ["manifest.json is corrupt", "not valid JSON"]),
        (damage_file_bytes, ["files/board_assets/board.png has sha256", "damaged", "Nothing was restored"]),
        (damage_database, ["database.sqlite3 is 4096 bytes", "damaged", "Nothing was restored"]),
        (remove_manifest, ["manifest.json is missing", "not a backup"]),
        (escape_the_folder, ["'../../outside.png' leaves its folder"]),
    ],
    ids=["corrupt-manifest", "checksum-mismatch", "truncated-database", "no-manifest", "path-outside"],
)
def test_a_damaged_backup_is_refused_and_nothing_is_restored(good_backup, tmp_path, damage, named):
    backup = tmp_path / "backup"
    shutil.copytree(good_backup, backup)
    damage(backup)
    target = tmp_path / "target"
    target.mkdir()
    env = site_env(target)

    result = run_manage("restore", str(backup), env=env)

    assert result.returncode != 0
    for text in named:
        assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    database = target / "db.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as conn:
            assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    assert not (target / "assets").exists() or not any((target / "assets").rglob("*"))
    assert not (tmp_path / "outside.png").exists()


def test_an_intact_copy_of_the_same_backup_restores(good_backup, tmp_path):
    # The damage above, not the fixture, is what each refusal is about.
    target = tmp_path / "target"
    target.mkdir()
    result = run_manage("restore", str(good_backup), env=site_env(target))
    assert result.returncode == 0, result.stderr
    assert (target / "assets" / "board.png").read_bytes() == b"\x89PNG pretend board picture"


def test_a_backup_into_a_storage_folder_is_refused(good_backup):
    # It would copy itself into itself; found before anything is written.
    site = good_backup.parent
    result = run_manage("backup", str(site / "assets" / "backup"), env=site_env(site))
    assert result.returncode != 0
    assert "would copy itself" in result.stderr
    assert not (site / "assets" / "backup").exists()
