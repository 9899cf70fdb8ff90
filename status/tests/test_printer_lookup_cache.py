"""Printer lookups are served from a short-lived per-process copy, emptied when a printer changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from status.selectors import printer_get
from status.tests.factories import make_printer

pytestmark = pytest.mark.django_db


def test_a_second_lookup_needs_no_query():
    make_printer("farm-9")
    assert printer_get(slug="farm-9").slug == "farm-9"
    with CaptureQueriesContext(connection) as queries:
        assert printer_get(slug="farm-9").slug == "farm-9"
    assert len(queries.captured_queries) == 0


def test_a_saved_change_is_seen_at_once():
    printer = make_printer("farm-9", name="Before")
    assert printer_get(slug="farm-9").name == "Before"
    printer.name = "After"
    printer.save()
    assert printer_get(slug="farm-9").name == "After"


def test_a_printer_created_after_a_miss_is_found():
    assert printer_get(slug="late") is None
    make_printer("late")
    assert printer_get(slug="late") is not None


def test_a_deleted_printer_is_gone_at_once():
    make_printer("farm-9").delete()
    assert printer_get(slug="farm-9") is None


def test_entries_expire(monkeypatch):
    from status import selectors

    make_printer("farm-9")
    printer_get(slug="farm-9")
    monkeypatch.setattr(selectors, "PRINTER_CACHE_SECONDS", 0.0)
    selectors.printer_cache_clear()
    printer_get(slug="farm-9")
    with CaptureQueriesContext(connection) as queries:
        printer_get(slug="farm-9")
    assert len(queries.captured_queries) == 1
