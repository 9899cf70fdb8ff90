"""Admin changelists filtered by integers no column can hold answer an empty list, not 500."""

import pytest
from django.contrib import admin
from django.db.models import IntegerField
from django.urls import reverse

from status.models import Printer, StatusSnapshot
from status.services import snapshot_record
from status.tests.factories import T0, make_status

pytestmark = pytest.mark.django_db

TOO_LARGE = "999999999999999999999"


def integer_pk_admins():
    return [model for model in admin.site._registry if isinstance(model._meta.pk, IntegerField)]


def test_every_changelist_with_an_integer_key_is_covered():
    labels = {model._meta.label for model in integer_pk_admins()}
    assert {"status.Printer", "status.StatusSnapshot", "auth.User", "auth.Group"} <= labels


@pytest.mark.parametrize("query", [f"id__in={TOO_LARGE}", f"id__in=-{TOO_LARGE}", f"id__in={TOO_LARGE},{TOO_LARGE}1"])
def test_it_lists_nothing_for_out_of_range_ids(admin_client, query):
    for model in integer_pk_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, response.status_code)
        assert response.context["cl"].result_count == 0, url


def test_in_range_ids_beside_an_out_of_range_one_still_match(admin_client):
    printer = Printer.objects.get(slug="demo")
    url = reverse("admin:status_printer_changelist")
    response = admin_client.get(f"{url}?id__in={printer.pk},{TOO_LARGE}")
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [printer.pk]


def test_the_orm_itself_drops_values_no_column_can_hold():
    printer = Printer.objects.get(slug="demo")
    assert list(Printer.objects.filter(id__in=[int(TOO_LARGE)])) == []
    assert list(Printer.objects.filter(id__in=[int(TOO_LARGE), printer.pk])) == [printer]


@pytest.mark.parametrize(
    "query",
    [f"printer={TOO_LARGE}", f"printer__in={TOO_LARGE}", f"printer__in=-{TOO_LARGE}", f"printer__gte={TOO_LARGE}"],
)
def test_a_foreign_key_filter_with_an_out_of_range_id_lists_nothing(admin_client, query):
    snapshot_record(printer=Printer.objects.get(slug="demo"), status=make_status(T0))
    response = admin_client.get(f"{reverse('admin:status_statussnapshot_changelist')}?{query}")
    assert response.status_code == 200, response.status_code
    assert response.context["cl"].result_count == 0


def test_the_orm_decides_foreign_key_comparisons_with_out_of_range_ids():
    printer = Printer.objects.get(slug="demo")
    snapshot = snapshot_record(printer=printer, status=make_status(T0))
    snapshots = StatusSnapshot.objects
    assert list(snapshots.filter(printer=int(TOO_LARGE))) == []
    assert list(snapshots.exclude(printer=int(TOO_LARGE))) == [snapshot]
    assert list(snapshots.filter(printer__in=[int(TOO_LARGE), printer.pk])) == [snapshot]
    assert list(snapshots.filter(printer__lt=int(TOO_LARGE))) == [snapshot]
    assert list(snapshots.filter(printer__gt=-int(TOO_LARGE))) == [snapshot]
    assert list(snapshots.filter(printer__gt=int(TOO_LARGE))) == []
