"""The database itself deletes temperature and job rows with their status row."""

import pytest
from django.db import connection

from status.models import JobSnapshot, StatusSnapshot, TemperatureSample
from status.services import snapshot_record
from status.tests.factories import make_printer, make_status

pytestmark = pytest.mark.django_db


def test_deleting_a_status_row_in_sql_deletes_its_children():
    printer = make_printer()
    doomed = snapshot_record(printer=printer, status=make_status())
    kept = snapshot_record(printer=printer, status=make_status())
    with connection.cursor() as cursor:  # below the ORM: only the database can cascade here
        cursor.execute("DELETE FROM status_history WHERE id = %s", [doomed.pk])
    assert not TemperatureSample.objects.filter(snapshot_id=doomed.pk).exists()
    assert not JobSnapshot.objects.filter(snapshot_id=doomed.pk).exists()
    assert TemperatureSample.objects.filter(snapshot=kept).count() == 3
    assert JobSnapshot.objects.filter(snapshot=kept).count() == 3


def test_deleting_through_the_orm_is_one_statement():
    printer = make_printer()
    snapshot_record(printer=printer, status=make_status())
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        StatusSnapshot.objects.all().delete()
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 1
    assert TemperatureSample.objects.count() == 0
    assert JobSnapshot.objects.count() == 0
