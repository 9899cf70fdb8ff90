"""Retention: old history goes in batches, new history stays, no orphans remain."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from status.models import JobSnapshot, StatusSnapshot, TemperatureSample
from status.services import history_prune, snapshot_record
from status.tasks import history_prune_task
from status.tests.factories import make_printer, make_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """5 snapshots 40 days old, 3 snapshots 1 day old; each with 3 temperatures and 3 jobs."""
    printer = make_printer()
    now = timezone.now()
    for n in range(5):
        snapshot_record(printer=printer, status=make_status(now - timedelta(days=40, minutes=n)))
    for n in range(3):
        snapshot_record(printer=printer, status=make_status(now - timedelta(days=1, minutes=n)))
    return printer


def test_it_removes_only_rows_older_than_the_retention(history, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 30
    result = history_prune(batch_size=2)
    assert (result.status_history, result.temperature_history, result.job_history) == (5, 15, 15)
    assert StatusSnapshot.objects.count() == 3
    assert TemperatureSample.objects.count() == 9
    assert JobSnapshot.objects.count() == 9
    assert not TemperatureSample.objects.exclude(snapshot__in=StatusSnapshot.objects.all()).exists()


def test_it_reports_progress_per_batch(history):
    seen = []
    history_prune(older_than_days=30, batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_a_dry_run_counts_without_deleting(history):
    result = history_prune(older_than_days=30, dry_run=True)
    assert (result.status_history, result.temperature_history, result.job_history) == (5, 15, 15)
    assert StatusSnapshot.objects.count() == 8


def test_zero_days_keeps_everything(history, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 0
    assert history_prune() is None
    assert history_prune_task() is None
    assert StatusSnapshot.objects.count() == 8


def test_the_celery_task_runs_the_same_service(history, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 30
    assert history_prune_task.apply().get()["status_history"] == 5
    assert StatusSnapshot.objects.count() == 3


def test_the_command_prints_rows_per_table(history):
    out = io.StringIO()
    call_command("prune_status_history", "--days", "30", "--batch-size", "2", stdout=out)
    text = out.getvalue()
    assert "Removed 5 rows from status_history" in text
    assert "Removed 15 rows from temperature_history" in text
    assert "Removed 15 rows from job_history" in text
    assert "5/5 status rows removed (100%)" in text
    assert StatusSnapshot.objects.count() == 3


def test_the_command_dry_run_changes_nothing(history):
    out = io.StringIO()
    call_command("prune_status_history", "--days", "30", "--dry-run", stdout=out)
    assert "Would remove 5 rows from status_history" in out.getvalue()
    assert StatusSnapshot.objects.count() == 8


def test_the_command_refuses_nonsense(history):
    with pytest.raises(CommandError, match="--days must be 0 \\(keep everything\\) or more"):
        call_command("prune_status_history", "--days", "-1", stdout=io.StringIO())
