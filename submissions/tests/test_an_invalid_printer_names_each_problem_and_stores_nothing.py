"""An invalid printer definition is a 400 naming each problem by its JSON path (the schema, the boards of the
catalog, the catalog's columns), and nothing is stored."""

import pytest

from submissions.models import PrinterSubmission, PrinterSubmissionRevision
from submissions.tests.conftest import new_printer, submit_printer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def _broken(change) -> dict:
    definition = new_printer()
    change(definition)
    return definition


@pytest.mark.parametrize(
    ("definition", "path"),
    [
        (_broken(lambda d: d.update(kinematics="polar")), "/kinematics"),
        (_broken(lambda d: d.pop("extruder")), ""),
        (_broken(lambda d: d["boards"].update(main="no-such-board")), "/boards/main"),
        (_broken(lambda d: d["axes"]["x"]["steppers"][0].update(driver="DRIVER_Q")), "/axes/x/steppers/0/driver"),
        (_broken(lambda d: d["extruder"]["heater"].update(connector="FAN")), "/extruder/heater/connector"),
        (_broken(lambda d: d.update(name="N" * 201)), "/name"),  # the schema allows 500, the catalog 200
        (_broken(lambda d: d.update(manufacturer="M" * 101)), "/manufacturer"),
    ],
    ids=["schema", "required", "board", "driver", "connector", "name-column", "manufacturer-column"],
)
def test_each_problem_by_path(client, person, definition, path):
    carla = person("carla", "contributors")

    response = submit_printer(client, definition, headers=carla.bearer)

    assert response.status_code == 400, response.content
    body = response.json()
    assert "not valid" in body["detail"]
    assert path in [error["path"] for error in body["errors"]], body["errors"]
    assert all(error["message"] for error in body["errors"])
    assert PrinterSubmission.objects.count() == 0
    assert PrinterSubmissionRevision.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"definition": [1, 2]}, {"definition": "text"}, {"printer": {}}])
def test_no_definition_object_is_a_400(client, person, body):
    carla = person("carla", "contributors")

    response = client.post("/api/printer-submissions/", body, content_type="application/json", **carla.bearer)

    assert response.status_code == 400, response.content
    assert "detail" in response.json()
    assert PrinterSubmission.objects.count() == 0


def test_a_nul_character_in_a_note_is_refused_by_path(client, person):
    carla = person("carla", "contributors")
    definition = new_printer()
    definition["notes"] = ["stock\u0000printer"]

    response = submit_printer(client, definition, headers=carla.bearer)

    assert response.status_code == 400
    assert [error["path"] for error in response.json()["errors"]] == ["/notes/0"]
    assert PrinterSubmission.objects.count() == 0
