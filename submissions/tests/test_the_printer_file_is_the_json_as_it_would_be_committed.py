"""GET /api/printer-submissions/{id}/file: the newest revision as printers/definitions/<id>.json, formatted as
the shipped files are, its keys in the schema's order whatever order they came (or the database kept) in:
a shipped file that follows that order comes back byte for byte."""

import json

import pytest

from printers.definitions import DEFINITIONS_DIR, printer_definition
from submissions.models import PrinterSubmission
from submissions.services import printer_problems
from submissions.tests.conftest import new_printer, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def _reversed(value):
    """Every object's keys in the opposite order."""
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def test_the_file_is_the_definition_with_its_schema_first(client, person):
    carla = person("carla", "contributors")
    submit_printer(client, new_printer(name="ACME Ender 3 Pro “Ü”"), headers=carla.bearer)
    submission = PrinterSubmission.objects.get()

    response = client.get(f"/api/printer-submissions/{submission.pk}/file", **carla.bearer)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="acme-ender3-pro.json"'
    text = response.content.decode()
    assert text.startswith('{\n  "$schema": "../schema/printer-definition.v1.json",\n  "schema_version": 1,\n')
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert '"name": "ACME Ender 3 Pro “Ü”"' in text  # as the shipped files: UTF-8, not \\u escapes
    loaded = json.loads(text)
    assert {key: value for key, value in loaded.items() if key != "$schema"} == new_printer(name="ACME Ender 3 Pro “Ü”")
    assert printer_problems(loaded) == []


def test_a_shipped_file_comes_back_byte_for_byte_whatever_the_key_order(client, person):
    carla, bob = person("carla", "contributors"), person("bob", "contributors")
    shipped = printer_definition("creality-ender3-pro-4.2.2")
    submit_printer(client, shipped, headers=carla.bearer)
    submit_printer(client, _reversed(shipped), headers=bob.bearer)

    files = [
        client.get(f"/api/printer-submissions/{submission.pk}/file", **submission_owner.bearer).content
        for submission, submission_owner in zip(PrinterSubmission.objects.order_by("id"), (carla, bob), strict=True)
    ]

    assert files == [(DEFINITIONS_DIR / "creality-ender3-pro-4.2.2.json").read_bytes()] * 2


def test_only_the_submitter_and_moderators_get_the_file(client, person):
    carla, bob, mona = person("carla", "contributors"), person("bob", "contributors"), person("mona", "moderators")
    submit_printer(client, new_printer(), headers=carla.bearer)
    url = f"/api/printer-submissions/{PrinterSubmission.objects.get().pk}/file"

    assert client.get(url).status_code == 401
    assert client.get(url, **bob.bearer).status_code == 404
    assert client.get(url, HTTP_ACCEPT="text/plain", **mona.bearer).status_code == 200
