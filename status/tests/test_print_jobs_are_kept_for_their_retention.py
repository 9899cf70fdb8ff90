"""Print jobs outlive the status history: kept forever by default (PRINT_JOB_RETENTION_DAYS=0), else pruned by
their end time by the periodic cleanup (the Celery task and prune_status_history)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from status.models import PrintJob, StatusSnapshot
from status.printer_services import print_jobs_prune, print_jobs_record
from status.services import snapshot_record
from status.tasks import history_prune_task
from status.tests.factories import make_printer, make_status
from status.tests.print_jobs import history_job

pytestmark = pytest.mark.django_db
DAY = 86400


@pytest.fixture
def jobs():
    """Jobs that ended 400, 40 and 1 day ago, one still printing that started 400 days ago."""
    printer = make_printer()
    now = timezone.now().timestamp()
    print_jobs_record(
        printer=printer,
        jobs=[
            history_job("old", start=now - 400 * DAY, duration=600),
            history_job("month", start=now - 40 * DAY, duration=600),
            history_job("recent", start=now - 1 * DAY, duration=600),
            history_job("running", "in_progress", start=now - 400 * DAY),
        ],
    )
    snapshot_record(printer=printer, status=make_status(timezone.now() - timedelta(days=400)))
    return printer


def kept() -> list[str]:
    return sorted(PrintJob.objects.values_list("job_id", flat=True))


def test_by_default_every_job_is_kept(jobs, settings):
    assert settings.PRINT_JOB_RETENTION_DAYS == 0

    assert print_jobs_prune() == 0
    assert print_jobs_prune(older_than_days=0) == 0
    assert kept() == ["month", "old", "recent", "running"]


def test_it_prunes_jobs_that_ended_before_the_retention_by_end_time(jobs, settings):
    settings.PRINT_JOB_RETENTION_DAYS = 30

    assert print_jobs_prune(dry_run=True) == 2
    assert len(kept()) == 4
    assert print_jobs_prune(batch_size=1) == 2

    assert kept() == ["recent", "running"]  # a job still printing has no end time: kept


def test_more_days_than_the_calendar_holds_keep_everything(jobs):
    assert print_jobs_prune(older_than_days=10**9) == 0
    assert len(kept()) == 4


def test_the_celery_task_prunes_jobs_with_their_own_retention(jobs, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 0  # history kept forever, jobs not
    settings.PRINT_JOB_RETENTION_DAYS = 100

    assert history_prune_task.apply().get() == {"print_jobs": 1}
    assert kept() == ["month", "recent", "running"]
    assert StatusSnapshot.objects.count() == 1


def test_the_celery_task_prunes_both(jobs, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 30
    settings.PRINT_JOB_RETENTION_DAYS = 30

    result = history_prune_task.apply().get()

    assert (result["status_history"], result["print_jobs"]) == (1, 2)


def test_the_task_keeps_status_history_when_only_it_is_pruned(jobs, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 30

    result = history_prune_task.apply().get()

    assert result["status_history"] == 1
    assert "print_jobs" not in result
    assert len(kept()) == 4


def test_the_command_prunes_jobs_too(jobs, settings):
    settings.PRINT_JOB_RETENTION_DAYS = 30
    out = io.StringIO()

    call_command("prune_status_history", "--days", "0", "--dry-run", stdout=out)
    assert "Would remove 2 print jobs that ended more than 30 days ago." in out.getvalue()
    assert len(kept()) == 4

    call_command("prune_status_history", "--days", "0", "--print-job-days", "100", stdout=out)
    assert "--days is 0: history is kept forever" in out.getvalue()
    assert "Removed 1 print jobs that ended more than 100 days ago." in out.getvalue()
    assert kept() == ["month", "recent", "running"]


def test_the_command_says_jobs_are_kept_forever(jobs):
    out = io.StringIO()

    call_command("prune_status_history", "--days", "30", stdout=out)

    assert "PRINT_JOB_RETENTION_DAYS is 0: print jobs are kept forever." in out.getvalue()
    assert len(kept()) == 4
    with pytest.raises(CommandError, match="--print-job-days must be 0"):
        call_command("prune_status_history", "--print-job-days", "-1", stdout=io.StringIO())
