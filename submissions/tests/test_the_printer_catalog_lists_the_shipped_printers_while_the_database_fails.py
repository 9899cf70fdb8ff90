"""A database error while reading the community printers leaves the catalog's list with the shipped printers
(and a line in the log) instead of a 500; a lookup that needs the database is the site's 503."""

import logging

import pytest
from django.db import OperationalError, ProgrammingError

from printers.definitions import printer_definitions
from printers.models import CommunityPrinter

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(monkeypatch):
    def fail_with(error: Exception) -> None:
        def fail(*args, **kwargs):
            raise error

        monkeypatch.setattr(CommunityPrinter.objects, "exclude", fail)
        monkeypatch.setattr(CommunityPrinter.objects, "filter", fail)

    return fail_with


@pytest.mark.parametrize(
    "error",
    [OperationalError("connection to server at 127.0.0.1, port 9 failed"), ProgrammingError("no such table")],
    ids=["outage", "other"],
)
def test_the_list_keeps_the_shipped_printers(client, failing, caplog, error):
    failing(error)

    with caplog.at_level(logging.WARNING, logger="printers.selectors"):
        response = client.get("/api/printers-catalog/")

    assert response.status_code == 200
    assert [(entry["id"], entry["source"]) for entry in response.json()] == [
        (definition["id"], "repository") for definition in printer_definitions()
    ]
    assert any("community printers" in record.getMessage() for record in caplog.records)


def test_a_shipped_printer_needs_no_database_and_another_is_a_503(client, failing):
    failing(OperationalError("connection to server at 127.0.0.1, port 9 failed"))

    shipped = client.get("/api/printers-catalog/creality-ender3-pro-4.2.2/")
    other = client.get("/api/printers-catalog/acme-ender3-pro/")

    assert shipped.status_code == 200
    assert other.status_code == 503
    assert "Retry-After" in other
