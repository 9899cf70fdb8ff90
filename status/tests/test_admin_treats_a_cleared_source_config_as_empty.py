"""The printer admin: a cleared "Source config" means {}, and a config the source cannot use is a form error."""

import pytest
from django.urls import reverse

from status.models import Printer

pytestmark = pytest.mark.django_db


def add(admin_client, **fields):
    data = {"slug": "bench-1", "name": "Bench 1", "source_kind": "demo", "enabled": "on", **fields}
    return admin_client.post(reverse("admin:status_printer_add"), data)


def test_it_stores_an_empty_object_when_the_field_is_cleared(admin_client):
    response = add(admin_client, source_config="")
    assert response.status_code == 302, response.content[:500]
    assert Printer.objects.get(slug="bench-1").source_config == {}


def test_the_form_explains_the_field(admin_client):
    page = admin_client.get(reverse("admin:status_printer_add")).content.decode()
    assert "Empty means {}" in page
    assert "seed" in page


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[1, 2]", "must be a JSON object"),
        ('{"seed": "seven"}', "must be a whole number"),
        ("{not json", "Enter a valid JSON"),
        ("[" * 1000 + "]" * 1000, "Enter a valid JSON"),
    ],
)
def test_it_refuses_a_config_the_source_cannot_use(admin_client, config, message):
    response = add(admin_client, source_config=config)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Printer.objects.filter(slug="bench-1").exists()


def test_a_valid_seed_is_kept(admin_client):
    assert add(admin_client, source_config='{"seed": 7}').status_code == 302
    assert Printer.objects.get(slug="bench-1").source_config == {"seed": 7}
