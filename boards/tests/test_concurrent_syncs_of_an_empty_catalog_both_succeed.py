"""Two sync_boards at once on an empty catalog (replicas starting together) both succeed on PostgreSQL.

The test holds the boards table until both syncs wait for it, then lets them
go at the same moment: before the catalog lock, both read an empty catalog,
both inserted every board, and the second failed with IntegrityError.
"""

import subprocess
import sys
import time

import psycopg

from boards.validation import DEFINITIONS_DIR
from conftest import PROJECT_ROOT


def test_both_syncs_succeed_and_the_catalog_is_complete(postgres_database, project_env, manage):
    env = project_env(DATABASE_URL=postgres_database)
    assert manage("migrate", "--noinput", env=env).returncode == 0
    url = postgres_database.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE boards IN ACCESS EXCLUSIVE MODE")
        syncs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "sync_boards"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        with psycopg.connect(url, autocommit=True) as watcher:
            deadline = time.monotonic() + 60
            while waiting(watcher) < 2:
                assert time.monotonic() < deadline, "the syncs never reached the boards table"
                assert all(sync.poll() is None for sync in syncs), [sync.communicate()[0] for sync in syncs]
                time.sleep(0.05)
        holder.rollback()  # both go at once
    outputs = [sync.communicate(timeout=120)[0] for sync in syncs]

    assert [sync.returncode for sync in syncs] == [0, 0], outputs
    with psycopg.connect(url) as conn:
        count = conn.execute("SELECT count(*) FROM boards").fetchone()[0]
    assert count == len(list(DEFINITIONS_DIR.glob("*/*.json")))


def waiting(conn) -> int:
    """Sessions waiting for a lock on the boards table."""
    return conn.execute("SELECT count(*) FROM pg_locks WHERE relation = 'boards'::regclass AND NOT granted").fetchone()[
        0
    ]
