import io
import json
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command

from boards.models import Board
from boards.validation import DEFINITIONS_DIR
from conftest import PROJECT_ROOT

pytestmark = pytest.mark.django_db


def broken_copy(tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, folder)
    return folder


def test_each_problem_is_listed_with_its_file_and_json_path_and_the_exit_status_is_1(tmp_path):
    folder = broken_copy(tmp_path)
    path = folder / "bigtreetech" / "btt-skr-mini-e3-v3.0.json"
    data = json.loads(path.read_text())
    heater = next(index for index, c in enumerate(data["connectors"]) if c["kind"] == "heater")
    data["connectors"][heater]["pins"][0]["mcu_pin"] = "PZ99"
    path.write_text(json.dumps(data))
    (folder / "fysetc" / "not-json.json").write_text("{ this is not json")
    renamed = json.loads((folder / "creality" / "creality-4.2.2.json").read_text())
    (folder / "creality" / "other-name.json").write_text(json.dumps(renamed))

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("sync_boards", "--dir", str(folder), stdout=out, stderr=io.StringIO())

    assert exit_status.value.code == 1
    output = out.getvalue()
    assert "bigtreetech/btt-skr-mini-e3-v3.0.json is invalid:" in output
    assert f"/connectors/{heater}/pins/0/mcu_pin" in output
    assert "PZ99" in output
    assert "fysetc/not-json.json is invalid:" in output
    assert "not valid JSON" in output
    assert "creality/other-name.json is invalid:" in output
    assert "3 invalid" in output
    assert not Board.objects.filter(pk="btt-skr-mini-e3-v3.0").exists()


def test_an_invalid_file_leaves_the_earlier_version_of_its_board(tmp_path):
    folder = broken_copy(tmp_path)
    call_command("sync_boards", "--dir", str(folder), stdout=io.StringIO())
    path = folder / "bigtreetech" / "btt-skr-pico-v1.0.json"
    path.write_text(path.read_text().replace('"schema_version": 1', '"schema_version": 2'))

    with pytest.raises(SystemExit):
        call_command("sync_boards", "--dir", str(folder), stdout=io.StringIO(), stderr=io.StringIO())

    assert Board.objects.get(pk="btt-skr-pico-v1.0").definition["schema_version"] == 1


def test_the_command_exits_with_status_1_for_the_shell(tmp_path, project_env):
    folder = broken_copy(tmp_path)
    (folder / "fysetc" / "broken.json").write_text("[]")
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
        )

    assert manage("migrate", "--noinput").returncode == 0
    result = manage("sync_boards", "--dir", str(folder))
    assert result.returncode == 1, result.stderr
    assert "fysetc/broken.json is invalid:" in result.stdout
    assert "1 invalid definition(s)" in result.stderr
