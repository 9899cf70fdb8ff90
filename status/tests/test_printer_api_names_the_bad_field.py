"""A printer the API cannot take is a 400 whose body names the field, beside "detail"; nothing is stored."""

import pytest

from status.models import Printer
from status.tests.printer_api import moonraker_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"moonraker_url": "ftp://printer.local:7125"}, "moonraker_url", "http:// or https://"),
        ({"moonraker_url": "http://user:pw@printer.local:7125"}, "moonraker_url", "without user"),
        ({"moonraker_url": "http://printer.local:99999"}, "moonraker_url", "not a valid address"),
        ({"moonraker_url": "http:///path"}, "moonraker_url", "no host name"),
        ({"moonraker_url": ""}, "moonraker_url", "required for a printer of kind moonraker"),
        ({"moonraker_url": "http://x/" + "a" * 500}, "moonraker_url", "no more than 500"),
        ({"source_kind": "octoprint"}, "source_kind", "not a valid choice"),
        ({"slug": "no spaces"}, "slug", "valid"),
        ({"slug": "x" * 65}, "slug", "no more than 64"),
        ({"name": ""}, "name", "blank"),
        ({"name": 7}, "name", "string"),
        ({"tags": ["Farm A"]}, "tags", "is not a tag"),
        ({"tags": "farm-a"}, "tags", "must be a list"),
        ({"tags": [f"t{n}" for n in range(21)]}, "tags", "at most 20 tags"),
        ({"tags": ["x" * 33]}, "tags", "is not a tag"),
        ({"tags": [3]}, "tags", "not a string"),
        ({"enabled": "yes"}, "enabled", "valid boolean"),
        ({"enabled": 1}, "enabled", "valid boolean"),
        ({"source_config": [1]}, "source_config", "dictionary"),
        ({"source_config": {"a": "\u0000"}}, "source_config", "cannot store"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_a_bad_field_is_named(admin_api, fields, field, words):
    response = admin_api.post("/api/printers/", moonraker_body(**fields), content_type="application/json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert "detail" in body
    assert words in " ".join(body[field]), body
    assert not Printer.objects.filter(slug="mk-1").exists()


def test_a_demo_seed_that_is_not_a_number_is_named(admin_api):
    response = admin_api.post(
        "/api/printers/",
        {"slug": "d2", "name": "D2", "source_kind": "demo", "source_config": {"seed": "x"}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "must be a whole number" in " ".join(response.json()["source_config"])


def test_a_change_is_checked_against_the_whole_printer(admin_api):
    # The demo printer has no moonraker_url: turning it into a Moonraker printer needs one.
    response = admin_api.patch("/api/printers/demo", {"source_kind": "moonraker"}, content_type="application/json")

    assert response.status_code == 400
    assert "required for a printer of kind moonraker" in " ".join(response.json()["moonraker_url"])
    assert Printer.objects.get(slug="demo").source_kind == "demo"


def test_a_bad_patch_changes_nothing(admin_api):
    admin_api.post("/api/printers/", moonraker_body(tags=["a"]), content_type="application/json")

    response = admin_api.patch(
        "/api/printers/mk-1", {"name": "New name", "moonraker_url": "gopher://x"}, content_type="application/json"
    )

    assert response.status_code == 400
    printer = Printer.objects.get(slug="mk-1")
    assert (printer.name, printer.moonraker_url) == ("Moonraker 1", "http://127.0.0.1:7125")


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{not json"])
def test_a_body_that_is_no_object_is_a_400(admin_api, body):
    response = admin_api.post("/api/printers/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_form_body_is_refused(admin_api):
    response = admin_api.post("/api/printers/", moonraker_body())  # multipart

    assert response.status_code == 415
