"""POST .../gcode runs the script through Moonraker, waits up to PRINTER_GCODE_TIMEOUT_SECONDS, then 504."""

import time

import pytest

from control.tests.conftest import Answer, audit_rows

pytestmark = pytest.mark.django_db


def test_it_sends_the_script_and_answers_moonraker_s_result(control, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "gcode", {"script": "G28\nM118 homed"})

    assert response.status_code == 200
    assert response.json() == {"printer": "voron", "action": "gcode", "result": "ok"}
    [seen] = fake_moonraker.requests
    assert (seen.method, seen.path, seen.json) == ("POST", "/printer/gcode/script", {"script": "G28\nM118 homed"})
    [row] = audit_rows()
    assert (row["action"], row["arguments"], row["outcome"]) == ("gcode", {"script": "G28\nM118 homed"}, "ok")


def test_a_slow_gcode_may_take_longer_than_other_calls(control, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_REQUEST_TIMEOUT_SECONDS = 0.2
    settings.PRINTER_GCODE_TIMEOUT_SECONDS = 5
    fake_moonraker.answer("POST", "/printer/gcode/script", Answer(200, {"result": "ok"}, seconds=0.6))
    moonraker_row(fake_moonraker.url)

    assert control.post("voron", "gcode", {"script": "M109 S215"}).status_code == 200


def test_a_gcode_that_does_not_finish_in_time_is_a_504(control, fake_moonraker, moonraker_row, settings):
    settings.PRINTER_GCODE_TIMEOUT_SECONDS = 0.4
    fake_moonraker.answer("POST", "/printer/gcode/script", Answer(hold=True))
    moonraker_row(fake_moonraker.url)

    started = time.monotonic()
    response = control.post("voron", "gcode", {"script": "M109 S215"})

    assert 0.4 <= time.monotonic() - started < 3
    assert response.status_code == 504
    detail = response.json()["detail"]
    assert "PRINTER_GCODE_TIMEOUT_SECONDS" in detail
    assert "may still be running" in detail
    [row] = audit_rows()
    assert (row["outcome"], row["status_code"], row["arguments"]) == ("timeout", 504, {"script": "M109 S215"})


def test_a_failing_gcode_is_a_409_with_klippy_s_message(control, fake_moonraker, moonraker_row):
    fake_moonraker.error("POST", "/printer/gcode/script", 400, 'Unknown command:"FOO"')
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "gcode", {"script": "FOO"})

    assert response.status_code == 409
    assert 'Unknown command:"FOO"' in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [{}, {"script": ""}, {"script": "   \n"}, {"script": 28}, {"script": "G28", "extra": 1}, {"script": "x" * 70000}],
    ids=["missing", "empty", "blank", "number", "unknown-field", "too-long"],
)
def test_a_bad_script_is_a_400_naming_the_field_and_recorded(control, fake_moonraker, moonraker_row, body):
    moonraker_row(fake_moonraker.url)

    response = control.post("voron", "gcode", body)

    assert response.status_code == 400
    answer = response.json()
    assert "detail" in answer
    assert {"script", "extra"} & set(answer)
    assert fake_moonraker.requests == []
    [row] = audit_rows()
    assert (row["action"], row["outcome"], row["status_code"]) == ("gcode", "rejected", 400)


def test_a_body_that_is_not_json_is_refused_and_recorded(control, fake_moonraker, moonraker_row, client):
    from control.tests.conftest import CONTROL_HEADERS

    moonraker_row(fake_moonraker.url)

    broken = client.post("/api/printers/voron/gcode", data="{", content_type="application/json", **CONTROL_HEADERS)
    form = client.post("/api/printers/voron/gcode", data={"script": "G28"}, **CONTROL_HEADERS)

    assert broken.status_code == 400
    assert form.status_code == 415
    assert [(r["outcome"], r["status_code"]) for r in audit_rows()] == [("rejected", 400), ("rejected", 415)]
    assert fake_moonraker.requests == []
