"""JSON that Python reads but PostgreSQL's jsonb refuses (\\u0000, NaN, Infinity, 1e400) is a form error or
an invalid file, on SQLite as on PostgreSQL: never a DataError 500, never stored on one database only."""

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.urls import reverse

from boards.models import Board
from boards.validation import DEFINITIONS_DIR
from status.models import Printer

pytestmark = pytest.mark.django_db

UNSTORABLE = [
    ('{"note": "a\\u0000b"}', "NUL character"),
    ('{"a\\u0000": 1}', "NUL character"),
    ('{"seed": 7, "ratios": [1, NaN]}', "NaN, Infinity"),
    ('{"seed": 7, "limit": Infinity}', "NaN, Infinity"),
    ('{"seed": 7, "limit": -1e400}', "NaN, Infinity"),
]
BOARD = "btt-skr-pico-v1.0"


@pytest.mark.parametrize(("config", "named"), UNSTORABLE)
def test_the_printer_admin_refuses_it_as_source_config(admin_client, config, named):
    data = {"slug": "bench-1", "name": "Bench 1", "source_kind": "demo", "enabled": "on", "source_config": config}
    response = admin_client.post(reverse("admin:status_printer_add"), data)

    assert response.status_code == 200
    assert named in response.content.decode()
    assert not Printer.objects.filter(slug="bench-1").exists()


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda definition: {**definition, "name": "Pico\u0000"}, "NUL character"),
        (lambda definition: {**definition, "notes": ["\u0000"]}, "NUL character"),
        (lambda definition: {**definition, "revision": float("nan")}, "NaN, Infinity"),
    ],
)
def test_sync_boards_reports_the_file_and_keeps_the_board(tmp_path, edit, named):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, folder)
    call_command("sync_boards", "--dir", str(folder), stdout=io.StringIO())
    before = Board.objects.get(pk=BOARD)
    path = folder / "bigtreetech" / f"{BOARD}.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("sync_boards", "--dir", str(folder), stdout=out, stderr=io.StringIO())

    assert f"bigtreetech/{BOARD}.json is invalid:" in out.getvalue()
    assert named in out.getvalue()
    assert Board.objects.get(pk=BOARD).content_sha256 == before.content_sha256
