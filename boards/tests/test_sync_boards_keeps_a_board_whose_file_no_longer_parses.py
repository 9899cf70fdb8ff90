"""A definition file that became unparseable keeps its board's earlier version (not "removed")."""

import io
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command

from boards.models import Board
from boards.validation import DEFINITIONS_DIR
from conftest import PROJECT_ROOT

pytestmark = pytest.mark.django_db

BOARD = "btt-skr-pico-v1.0"


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, copy)
    return copy


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "\ufeff\x00" + text, id="not-json"),
        pytest.param(lambda text: "[]", id="not-an-object"),
        pytest.param(lambda text: '{"name": "no id"}', id="no-id"),
        pytest.param(lambda text: '{"id": ' + "[" * 5000 + "]" * 5000 + "}", id="nested-too-deep"),
    ],
)
def test_it_keeps_the_earlier_version_when_the_file_does_not_parse(folder, damage):
    call_command("sync_boards", "--dir", str(folder), stdout=io.StringIO())
    before = Board.objects.get(pk=BOARD)
    path = folder / "bigtreetech" / f"{BOARD}.json"
    path.write_text(damage(path.read_text()))

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("sync_boards", "--dir", str(folder), stdout=out, stderr=io.StringIO())

    assert f"bigtreetech/{BOARD}.json is invalid:" in out.getvalue()
    assert "0 removed" in out.getvalue()
    after = Board.objects.get(pk=BOARD)
    assert after.definition == before.definition
    assert after.content_sha256 == before.content_sha256


def test_it_still_removes_a_board_whose_file_is_gone(folder):
    call_command("sync_boards", "--dir", str(folder), stdout=io.StringIO())
    (folder / "bigtreetech" / f"{BOARD}.json").unlink()
    out = io.StringIO()
    call_command("sync_boards", "--dir", str(folder), stdout=out)
    assert "1 removed" in out.getvalue()
    assert not Board.objects.filter(pk=BOARD).exists()


def test_the_command_keeps_the_board_for_the_shell_too(folder, tmp_path, project_env):
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
        )

    assert manage("migrate", "--noinput").returncode == 0
    assert manage("sync_boards", "--dir", str(folder)).returncode == 0
    path = folder / "bigtreetech" / f"{BOARD}.json"
    path.write_text(path.read_text()[:100])
    result = manage("sync_boards", "--dir", str(folder))
    assert result.returncode == 1
    assert "0 removed" in result.stdout
    count = manage("shell", "-c", f"from boards.models import Board; print(Board.objects.filter(pk={BOARD!r}).count())")
    assert count.stdout.strip().splitlines()[-1] == "1"
