"""Fixtures for tests that run bridges as real processes against a real database."""

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from conftest import PROJECT_ROOT, stop_process


def wait_for(condition: Callable[[], object], *, timeout: float, every: float = 0.1, what: str = "the condition"):
    """Poll ``condition`` until it returns something truthy; that value, or AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s (last: {value!r})")
        time.sleep(every)


class SiteDatabase:
    """SQL on the database a subprocess site uses (SQLite file or PostgreSQL URL)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, params: tuple = ()):
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None


@pytest.fixture
def bridge_site(project_env, manage, tmp_path, request):
    """A migrated site on PostgreSQL (the scaled mode's database) with helpers to run bridges.

    Returns (env, database, start_bridge, run_django) where start_bridge(**env) starts
    ``manage.py run_bridge`` and run_django(code) runs Python with Django set up.
    """
    database_url = request.getfixturevalue("postgres_database")
    env = project_env(
        DATABASE_URL=database_url, BRIDGE_MODE="process", BRIDGE_LEASE_SECONDS="3", BRIDGE_RELOAD_MS="300"
    )
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    processes = []

    def start_bridge(name: str, **overrides: str) -> subprocess.Popen:
        log = open(tmp_path / f"bridge-{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_bridge", "--holder", name],
            cwd=PROJECT_ROOT,
            env={**env, **overrides},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    def run_django(code: str) -> str:
        result = manage("shell", "--no-imports", "-c", code, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    yield env, SiteDatabase(database_url), start_bridge, run_django
    for process, log in processes:
        stop_process(process)
        log.close()
        print(f"=== {log.name} ===\n{(tmp_path / log.name).read_text()[-3000:]}")
