"""Temperature history in buckets, computed by the database, checked against a hand-worked example."""

from datetime import timedelta

import pytest

from status.services import snapshot_record
from status.tests.factories import T0, make_printer, make_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def printer():
    """Extruder readings every 10 s for 60 s: 200, 202, 204, 206, 208, 210; target 200 then 215."""
    printer = make_printer()
    for n in range(6):
        target = 200.0 if n < 4 else 215.0
        temps = {"extruder": (200.0 + 2 * n, target), "heater_bed": (60.0 - n, 60.0)}
        snapshot_record(printer=printer, status=make_status(T0 + timedelta(seconds=10 * n), temps=temps))
    return printer


def get(client, target, **params):
    query = {"printer": target.slug, "since": T0.isoformat(), "until": (T0 + timedelta(seconds=60)).isoformat()}
    return client.get("/api/history/temperatures", {**query, **params})


def test_three_buckets_match_the_hand_computed_values(client, printer):
    body = get(client, printer, points=3, component="extruder").json()
    assert body["points"] == 3
    assert list(body["series"]) == ["extruder"]
    buckets = body["series"]["extruder"]
    # Buckets of 20 s: [0,20) holds 200, 202; [20,40) 204, 206; [40,60] 208, 210.
    assert [(b["samples"], b["min"], b["avg"], b["max"], b["target"]) for b in buckets] == [
        (2, 200.0, 201.0, 202.0, 200.0),
        (2, 204.0, 205.0, 206.0, 200.0),
        (2, 208.0, 209.0, 210.0, 215.0),
    ]
    assert buckets[0]["start"] == "2026-11-01T12:00:00+00:00"
    assert buckets[1]["start"] == "2026-11-01T12:00:20+00:00"


def test_all_components_come_back_without_a_filter(client, printer):
    body = get(client, printer, points=1).json()
    assert set(body["series"]) == {"extruder", "heater_bed"}
    (bed,) = body["series"]["heater_bed"]
    assert (bed["samples"], bed["min"], bed["max"], bed["avg"]) == (6, 55.0, 60.0, pytest.approx(57.5))


def test_it_does_not_load_rows_into_python(client, printer, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert get(client, printer, points=3).status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "names"),
    [
        ({"points": "0"}, 400, "points"),
        ({"points": "2001"}, 400, "points"),
        ({"points": "many"}, 400, "points"),
        ({"since": "yesterday"}, 400, "since"),
        ({"until": "2026-13-45T00:00:00"}, 400, "until"),
        ({"component": "laser"}, 404, "component='laser'"),
        ({"printer": "ghost"}, 404, "printer='ghost'"),
    ],
)
def test_bad_parameters_get_a_4xx_naming_them(client, printer, params, status, names):
    response = get(client, printer, **params)
    assert response.status_code == status
    body = response.json()
    assert names in (body["detail"] + " ".join(body))


def test_since_must_come_before_until(client, printer):
    response = client.get(
        "/api/history/temperatures",
        {"printer": printer.slug, "since": "2026-11-02T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
    )
    assert response.status_code == 400
    assert "since" in response.json()
