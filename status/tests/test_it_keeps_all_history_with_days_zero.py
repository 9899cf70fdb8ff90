"""`prune_status_history --days 0` keeps everything, as the README says; so do more days than the calendar holds."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from status.models import StatusSnapshot
from status.services import snapshot_record
from status.tests.factories import make_printer, make_status


@pytest.mark.django_db
def test_it_keeps_all_history_with_days_zero(settings):
    printer = make_printer()
    now = timezone.now()
    for days in (400, 40, 1):
        snapshot_record(printer=printer, status=make_status(now - timedelta(days=days)))
    settings.STATUS_HISTORY_RETENTION_DAYS = 30  # the option wins over the setting
    out = io.StringIO()
    call_command("prune_status_history", "--days", "0", stdout=out)
    assert "--days is 0: history is kept forever" in out.getvalue()
    assert StatusSnapshot.objects.count() == 3


def test_it_refuses_negative_days_through_manage_py(manage):
    result = manage("prune_status_history", "--days", "-1")
    assert result.returncode != 0
    assert "--days must be 0 (keep everything) or more." in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["1000000", "999999999999"])
def test_more_days_than_the_calendar_holds_keep_everything(days):
    printer = make_printer()
    snapshot_record(printer=printer, status=make_status(timezone.now() - timedelta(days=400)))
    out = io.StringIO()
    call_command("prune_status_history", "--days", days, stdout=out)
    assert "Removed 0 rows in all." in out.getvalue()
    assert StatusSnapshot.objects.count() == 1
