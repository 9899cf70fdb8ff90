"""Admin changelists filtered by integers no column can hold answer an empty list, not 500."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import IntegerField
from django.urls import reverse

from status.models import Printer

pytestmark = pytest.mark.django_db

TOO_LARGE = "999999999999999999999"


def integer_pk_admins():
    return [model for model in admin.site._registry if isinstance(model._meta.pk, IntegerField)]


@pytest.fixture
def staff_client(client):
    User.objects.create_superuser("moderator", "moderator@example.org", "a long password")
    client.login(username="moderator", password="a long password")
    return client


def test_every_changelist_with_an_integer_key_is_covered():
    labels = {model._meta.label for model in integer_pk_admins()}
    assert {"status.Printer", "status.StatusSnapshot", "auth.User", "auth.Group"} <= labels


@pytest.mark.parametrize("query", [f"id__in={TOO_LARGE}", f"id__in=-{TOO_LARGE}", f"id__in={TOO_LARGE},{TOO_LARGE}1"])
def test_it_lists_nothing_for_out_of_range_ids(staff_client, query):
    for model in integer_pk_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = staff_client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, response.status_code)
        assert response.context["cl"].result_count == 0, url


def test_in_range_ids_beside_an_out_of_range_one_still_match(staff_client):
    printer = Printer.objects.get(slug="demo")
    url = reverse("admin:status_printer_changelist")
    response = staff_client.get(f"{url}?id__in={printer.pk},{TOO_LARGE}")
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [printer.pk]


def test_the_orm_itself_drops_values_no_column_can_hold():
    printer = Printer.objects.get(slug="demo")
    assert list(Printer.objects.filter(id__in=[int(TOO_LARGE)])) == []
    assert list(Printer.objects.filter(id__in=[int(TOO_LARGE), printer.pk])) == [printer]
