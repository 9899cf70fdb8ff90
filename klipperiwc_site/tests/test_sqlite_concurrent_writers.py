"""Two processes writing the default SQLite database at once never see "database is locked"."""

import subprocess
import sys
import time

import pytest

from conftest import PROJECT_ROOT

# Each transaction reads, then writes: with SQLite's default deferred
# transactions two such writers fail at once with "database is locked"
# (the busy timeout cannot help a read lock that must be upgraded).
WRITER = """
import time
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, value INTEGER)")
    cursor.execute("INSERT OR IGNORE INTO counter (id, value) VALUES (1, 0)")
time.sleep(max(0.0, {start} - time.time()))  # both writers begin together
for _ in range({rounds}):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM counter WHERE id = 1")
            value = cursor.fetchone()[0]
            cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
print("done")
"""


@pytest.mark.slow
def test_two_writers_finish_without_database_is_locked(project_env, tmp_path):
    rounds = 400
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path}/shared.sqlite3")
    start = time.time() + 3
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", WRITER.format(rounds=rounds, start=start)]
    # Create the table first so both writers race on the updates only.
    setup = WRITER.format(rounds=0, start=0)
    subprocess.run([*command[:-1], setup], cwd=PROJECT_ROOT, env=env, check=True, timeout=60)
    writers = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (stdout, stderr) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, stderr
        assert "locked" not in stderr
        assert stdout.strip() == "done"
    check = "from django.db import connection\nc = connection.cursor()\nc.execute('SELECT value FROM counter')\n"
    check += "print(c.fetchone()[0])\nc.execute('PRAGMA journal_mode')\nprint(c.fetchone()[0])"
    result = subprocess.run(
        [*command[:-1], check], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == [str(2 * rounds), "wal"]
