import io
import json
import shutil

import pytest
from django.core.management import call_command

from boards.models import Board
from boards.validation import DEFINITIONS_DIR, definition_paths

pytestmark = pytest.mark.django_db


def sync(directory) -> str:
    out = io.StringIO()
    call_command("sync_boards", "--dir", str(directory), stdout=out)
    return out.getvalue()


def test_the_shipped_boards_load_once_and_then_stay_unchanged():
    shipped = len(definition_paths())
    first = sync(DEFINITIONS_DIR)
    assert f"Board catalog: {shipped} added, 0 updated, 0 unchanged, 0 removed, 0 invalid." in first
    assert f"[{shipped}/{shipped}]" in first
    assert Board.objects.count() == shipped
    assert f"0 added, 0 updated, {shipped} unchanged, 0 removed, 0 invalid." in sync(DEFINITIONS_DIR)
    octopus = Board.objects.get(pk="btt-octopus-v1.1")
    assert (octopus.mcu_family, octopus.mcu_chip) == ("stm32", "stm32f446")
    assert Board.objects.get(pk="btt-ebb-can-v1.2").secondary_mcu == "EBBCan"


def test_a_changed_file_updates_its_board_and_a_removed_file_removes_it(tmp_path):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, folder)
    sync(folder)
    path = folder / "bigtreetech" / "btt-skr-pico-v1.0.json"
    data = json.loads(path.read_text())
    data["notes"] = [*data.get("notes", []), "A note added in a pull request."]
    path.write_text(json.dumps(data, indent=2))
    (folder / "creality" / "creality-4.2.2.json").unlink()

    output = sync(folder)

    assert "bigtreetech/btt-skr-pico-v1.0.json: updated" in output
    assert "removed creality-4.2.2 (its file is gone)" in output
    assert "1 updated" in output
    assert "1 removed" in output
    assert Board.objects.get(pk="btt-skr-pico-v1.0").definition["notes"][-1] == "A note added in a pull request."
    assert not Board.objects.filter(pk="creality-4.2.2").exists()
