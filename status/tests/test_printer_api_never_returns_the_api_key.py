"""The Moonraker API key is write-only: no answer of the printers API holds it (only has_api_key), nor a log line."""

import json
import logging

import pytest
from django.test import Client

from status.models import Printer
from status.tests.printer_api import API_KEY, moonraker_body

pytestmark = pytest.mark.django_db


def assert_no_key(response):
    text = response.content.decode()
    assert API_KEY not in text
    if 200 <= response.status_code < 300 and text:
        assert "api_key" not in json.loads(text)
    for name, value in response.items():
        assert API_KEY not in value, name


def test_no_answer_holds_the_key(admin_api, caplog):
    caplog.set_level(logging.DEBUG)

    created = admin_api.post("/api/printers/", moonraker_body(api_key=API_KEY), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["has_api_key"] is True
    assert Printer.objects.get(slug="mk-1").api_key == API_KEY  # stored, for the bridge

    responses = [
        created,
        admin_api.patch("/api/printers/mk-1", {"api_key": API_KEY, "name": "New"}, content_type="application/json"),
        admin_api.patch("/api/printers/mk-1", {"tags": ["farm-a"]}, content_type="application/json"),
        Client().get("/api/printers/"),
        Client().get("/api/printers/mk-1"),
        Client().get("/api/printers/mk-1/jobs"),
        # Refusals do not echo it either.
        admin_api.patch(
            "/api/printers/mk-1", {"api_key": API_KEY, "moonraker_url": "ftp://x"}, content_type="application/json"
        ),
        admin_api.post("/api/printers/", moonraker_body(api_key=API_KEY), content_type="application/json"),
        admin_api.post(
            "/api/printers/", moonraker_body(slug="mk-2", api_key=API_KEY + "x" * 300), content_type="application/json"
        ),
    ]

    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200, 200, 400, 409, 400]
    assert list(responses[-1].json()) == ["detail", "api_key"]  # too long: named, not shown
    for response in responses:
        assert_no_key(response)
    listed = next(p for p in responses[3].json()["results"] if p["slug"] == "mk-1")
    assert listed["has_api_key"] is True
    assert responses[4].json()["has_api_key"] is True
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert API_KEY not in logged


def test_an_empty_key_removes_it_and_leaving_it_out_keeps_it(admin_api):
    admin_api.post("/api/printers/", moonraker_body(api_key=API_KEY), content_type="application/json")

    kept = admin_api.patch("/api/printers/mk-1", {"name": "Still keyed"}, content_type="application/json")
    assert kept.json()["has_api_key"] is True
    assert Printer.objects.get(slug="mk-1").api_key == API_KEY

    removed = admin_api.patch("/api/printers/mk-1", {"api_key": ""}, content_type="application/json")
    assert removed.json()["has_api_key"] is False
    assert Printer.objects.get(slug="mk-1").api_key == ""


def test_the_schema_marks_it_write_only(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]

    assert schema["PrinterWriteRequest"]["properties"]["api_key"]["writeOnly"] is True
    assert "api_key" not in schema["Printer"]["properties"]
    assert schema["Printer"]["properties"]["has_api_key"]["type"] == "boolean"
