"""A prune running while snapshots keep arriving: no lock errors, nothing new lost, no orphans."""

import subprocess
import sys
import uuid

import pytest

from conftest import PROJECT_ROOT

SEED = """
from datetime import timedelta
from django.utils import timezone
from status.models import Printer
from status.services import snapshot_record
from status.tests.factories import make_status
printer = Printer.objects.get(slug="demo")
old = timezone.now() - timedelta(days=60)
for n in range({count}):
    snapshot_record(printer=printer, status=make_status(old + timedelta(seconds=n)))
print("seeded")
"""

WRITER = """
import time
from datetime import timedelta
from django.utils import timezone
from status.models import Printer
from status.services import status_capture
printer = Printer.objects.get(slug="demo")
stored = 0
deadline = time.monotonic() + {seconds}
start = timezone.now()
while time.monotonic() < deadline:
    if status_capture(printer=printer).snapshot is not None:
        stored += 1
print("stored", stored)
"""

CHECK = """
from datetime import timedelta
from django.db.models import Q
from django.utils import timezone
from status.models import JobSnapshot, StatusSnapshot, TemperatureSample
cutoff = timezone.now() - timedelta(days=30)
print(StatusSnapshot.objects.filter(recorded_at__lt=cutoff).count(),
      StatusSnapshot.objects.filter(recorded_at__gte=cutoff).count(),
      TemperatureSample.objects.filter(~Q(snapshot__in=StatusSnapshot.objects.all())).count(),
      JobSnapshot.objects.filter(~Q(snapshot__in=StatusSnapshot.objects.all())).count())
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/load.sqlite3"
        return
    import psycopg

    base = request.getfixturevalue("postgres_url").replace("postgres://", "postgresql://", 1)
    name = f"klipperiwc_prune_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_prune_and_writers_run_together(database_url, project_env, manage):
    env = project_env(DATABASE_URL=database_url, STATUS_HISTORY_MIN_INTERVAL_MS="0")
    assert manage("migrate", "--noinput", env=env, timeout=120).returncode == 0
    seeded = manage("shell", "--no-imports", "-c", SEED.format(count=600), env=env, timeout=180)
    assert seeded.returncode == 0, seeded.stderr

    shell = [sys.executable, "manage.py", "shell", "--no-imports", "-c"]
    writer = subprocess.Popen(
        [*shell, WRITER.format(seconds=6)], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    pruner = subprocess.run(
        [sys.executable, "manage.py", "prune_status_history", "--days", "30", "--batch-size", "20"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out, err = writer.communicate(timeout=180)
    assert pruner.returncode == 0, pruner.stderr
    assert "Removed 600 rows from status_history" in pruner.stdout
    assert writer.returncode == 0, err.decode()
    stored = int(out.decode().split()[-1])
    assert stored > 10

    check = manage("shell", "--no-imports", "-c", CHECK, env=env)
    assert check.returncode == 0, check.stderr
    old_left, new_rows, orphan_temperatures, orphan_jobs = map(int, check.stdout.split())
    assert (old_left, orphan_temperatures, orphan_jobs) == (0, 0, 0)
    assert new_rows == stored
