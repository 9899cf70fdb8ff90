"""Processes recording the same jobs at once (a bridge's live notifications, its reconcile after a reconnect,
a second bridge taking over) leave one row per job, with the final status, on SQLite and on PostgreSQL."""

import json
import subprocess
import sys
import time

import pytest

from conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

JOBS = 30
WRITER = """
import random, time
from status.models import Printer
from status.printer_services import print_jobs_record
from status.tests.print_jobs import START, history_job

printer = Printer.objects.get(slug="race")
rng = random.Random({seed})
ids = [f"{{n:06x}}" for n in range({jobs})]
time.sleep(max(0.0, {start} - time.time()))  # all writers begin together
for round_ in range({rounds}):
    rng.shuffle(ids)
    batch = ids[: rng.randint(1, len(ids))]
    jobs = [history_job(i, "{status}", start=START + int(i, 16) * 10, duration=5 + round_) for i in batch]
    print_jobs_record(printer=printer, jobs=jobs)
    if "{status}" == "completed":
        # Every job once as completed, spread over the run.
        for job_id in batch:
            ids.remove(job_id)
        if not ids:
            break
print("done")
"""
SETUP = """
from status.models import Printer
Printer.objects.create(slug="race", name="Race", source_kind="demo")
print("ready")
"""
CHECK = """
import json
from django.db.models import Count
from status.models import PrintJob
rows = list(PrintJob.objects.values("job_id").annotate(n=Count("pk")).values_list("job_id", "n"))
statuses = sorted(set(PrintJob.objects.values_list("status", flat=True)))
print(json.dumps({"rows": len(rows), "most": max(n for _, n in rows), "statuses": statuses}))
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.requires_postgres)])
def database_env(request, project_env, manage, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/race.sqlite3"
    else:
        url = request.getfixturevalue("postgres_database")
    env = project_env(DATABASE_URL=url)
    migrated = manage("migrate", "--noinput", env=env, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    ready = manage("shell", "--no-imports", "-c", SETUP, env=env)
    assert "ready" in ready.stdout, ready.stderr
    return env


def test_racing_writers_leave_one_row_per_job_with_its_final_status(database_env, manage):
    start = time.time() + 4  # time for every process to import Django
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c"]
    scripts = [WRITER.format(seed=0, jobs=JOBS, start=start, rounds=JOBS, status="completed")] + [
        WRITER.format(seed=seed, jobs=JOBS, start=start, rounds=60, status="in_progress") for seed in (1, 2, 3)
    ]
    writers = [
        subprocess.Popen(
            [*command, script],
            cwd=PROJECT_ROOT,
            env=database_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in scripts
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err[-3000:]
        assert "done" in out

    checked = manage("shell", "--no-imports", "-c", CHECK, env=database_env)
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout.strip().splitlines()[-1])
    assert result == {"rows": JOBS, "most": 1, "statuses": ["completed"]}
