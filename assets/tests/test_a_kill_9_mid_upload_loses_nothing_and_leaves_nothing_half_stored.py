"""daphne killed (SIGKILL) while uploads stream in: every upload answered 201 is there with its files
and its upload event, the database is intact, the web process started again takes uploads, and the
files of uploads cut off between storing and committing are swept (no file without its row)."""

import os
import signal
import sqlite3
import threading
import urllib.parse

import pytest

from assets.tests.test_image_checker_processes_die_with_the_web_process import (
    daphne,  # noqa: F401 (a fixture)
    wait_for,
)
from assets.tests.test_uploads_stream_through_daphne import noise_png, post_file

pytestmark = pytest.mark.slow

UPLOADERS = 4

CONSISTENCY = """
import json
from assets.models import BoardAsset, ModerationEvent
from assets.storage import asset_storage
store = asset_storage()
rows = list(BoardAsset.objects.values_list("id", "storage_key", "thumbnail_key"))
events = {str(ref) for ref in ModerationEvent.objects.filter(action="upload").values_list("asset_ref", flat=True)}
names = set(store.listdir("")[1])
print(json.dumps({
    "rows": [str(row[0]) for row in rows],
    "rows_without_files": [str(i) for i, key, thumb in rows if not ({key, thumb} - {""}) <= names],
    "rows_without_event": [str(i) for i, _, _ in rows if str(i) not in events],
    "files_without_row": sorted(n for n in names if n.split(".")[0] not in {str(row[0]) for row in rows}),
}))
"""


def consistency(manage, env) -> dict:
    import json

    result = manage("shell", "--no-imports", "-c", CONSISTENCY, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_kill_9_mid_upload_loses_no_answered_upload(daphne, asset_site_env, start_daphne, manage):  # noqa: F811
    process, url = daphne
    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def uploader(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                status, body = post_file(url, noise_png(300 + worker, 300 + n % 50))
                answers.append((status, body.get("id", "")))
            except OSError:
                answers.append((0, ""))  # cut off: what a client of a crashed server sees

    threads = [threading.Thread(target=uploader, args=(worker,)) for worker in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: sum(1 for status, _ in answers if status == 201) >= 6, timeout=120, what="uploads under way")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
    stored = {asset_id for status, asset_id in answers if status == 201}
    assert {status for status, _ in answers} <= {0, 201}, answers

    env = asset_site_env()  # the same database and folder (migrating again changes nothing)
    database = urllib.parse.urlparse(env["DATABASE_URL"]).path
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    found = consistency(manage, env)
    assert stored <= set(found["rows"])  # every upload answered 201 is there
    assert found["rows_without_files"] == []
    assert found["rows_without_event"] == []

    # What the cut-off uploads left between storing and committing goes with the sweep.
    swept = manage("sweep_board_asset_files", "--older-than", "0", env=env)
    assert swept.returncode == 0, swept.stderr
    assert f"Removed {len(found['files_without_row'])} file(s) without a row." in swept.stdout
    after = consistency(manage, env)
    assert after["files_without_row"] == []
    assert after["rows"] == found["rows"]

    again = start_daphne(env)  # what the process manager does
    status, body = post_file(again, noise_png(64, 64))
    assert status == 201, body
