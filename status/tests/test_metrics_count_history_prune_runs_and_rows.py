"""The Celery history clean-up counts its runs and the rows it removed, per table, in /metrics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from klipperiwc_site.tests.metrics_scrape import scrape, value
from status.services import snapshot_record
from status.tasks import history_prune_task
from status.tests.factories import make_printer, make_status


@pytest.mark.django_db
def test_a_prune_run_counts_itself_and_its_rows(client, settings):
    settings.STATUS_HISTORY_RETENTION_DAYS = 30
    printer = make_printer()
    now = timezone.now()
    for n in range(4):
        snapshot_record(printer=printer, status=make_status(now - timedelta(days=40, minutes=n)), broadcast=False)
    snapshot_record(printer=printer, status=make_status(now - timedelta(days=1)), broadcast=False)
    before = scrape(client)

    pruned = history_prune_task.apply().get()
    history_prune_task.apply().get()  # a second run finds nothing more

    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert pruned["status_history"] == 4
    assert moved("klipperiwc_history_prune_runs_total") == 2
    rows = "klipperiwc_history_pruned_rows_total"
    assert moved(rows, table="status_history") == 4
    # make_status has three temperatures and three jobs (one active, two queued) per snapshot.
    assert moved(rows, table="temperature_history") == 12
    assert moved(rows, table="job_history") == 12
