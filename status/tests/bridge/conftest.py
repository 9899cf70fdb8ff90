"""Fixtures for tests that run bridges as real processes against a real database."""

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


class BridgeProcess(subprocess.Popen):
    """A run_bridge process, with the file its output goes to."""

    log_path: Path


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

    def start_bridge(name: str, **overrides: str) -> BridgeProcess:
        log = open(tmp_path / f"bridge-{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = BridgeProcess(
            [sys.executable, "manage.py", "run_bridge", "--holder", name],
            cwd=PROJECT_ROOT,
            env={**env, **overrides},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        process.log_path = tmp_path / f"bridge-{name}.log"
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


class EmbeddedSite:
    """The embedded default as a user runs it: one daphne process (bridge inside) on a SQLite file.

    ``stop()`` and ``start()`` stop and start daphne (and so its bridge) on the same port and database.
    """

    def __init__(self, env: dict[str, str], database_url: str, log_dir) -> None:
        from conftest import _free_port

        self.env = env
        self.db = SiteDatabase(database_url)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        import urllib.request

        self.starts += 1
        self.log = open(self.log_dir / f"daphne-{self.starts}.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "klipperiwc_site.asgi:application",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"daphne exited:\n{self.logs()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(healthy, timeout=30, what="daphne answering")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
            self.log.close()

    def logs(self) -> str:
        return "\n".join(path.read_text()[-4000:] for path in sorted(self.log_dir.glob("daphne-*.log")))

    def get(self, path: str):
        import json
        import urllib.request

        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            return json.load(response)

    def status(self, slug: str) -> dict:
        return self.get(f"/api/status?printer={slug}")

    def wait_status(self, slug: str, condition, *, timeout: float = 20, what: str = "a status") -> dict:
        def reached():
            status = self.status(slug)
            return status if condition(status) else None

        return wait_for(reached, timeout=timeout, what=what)

    def add_moonraker_printer(self, slug: str, instance, *, api_key: str | None = None) -> None:
        key = instance.api_key if api_key is None else api_key
        code = (
            "from status.models import Printer; "
            f"Printer.objects.create(slug={slug!r}, name={slug!r}, source_kind='moonraker', "
            f"moonraker_url={instance.url!r}, api_key={key!r})"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def jobs(self, slug: str) -> list[tuple]:
        return self.db.rows(
            "SELECT j.job_id, j.status, j.filename, j.print_duration FROM print_jobs j "
            "JOIN status_printer p ON p.id = j.printer_id WHERE p.slug = %s ORDER BY j.started_at",
            (slug,),
        )


@pytest.fixture
def embedded_site(project_env, manage, tmp_path):
    """A migrated embedded site, not yet started (call .start(); add printers before or after)."""
    database_url = f"sqlite:///{tmp_path}/site.sqlite3"
    env = project_env(DATABASE_URL=database_url, BRIDGE_RELOAD_MS="500")
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    site = EmbeddedSite(env, database_url, tmp_path)
    yield site
    site.stop()
    print(f"=== daphne ===\n{site.logs()}")


PAUSING_GCODE = "G28\nM104 S200\nM140 S60\n" + "G1 X10 Y10 E0.5\n" * 40 + "PAUSE\n" + "G1 X20 Y20 E0.5\n" * 40
