"""History parameters at the ends of the calendar: answered, or a 400 naming the parameter; never an OverflowError."""

from datetime import timedelta

import pytest

from status.services import snapshot_record
from status.tests.factories import T0, make_printer, make_status

pytestmark = pytest.mark.django_db

HISTORY = ["/api/history/status", "/api/history/temperatures", "/api/history/jobs"]
FIRST = "0001-01-01T00:00:00"
LAST = "9999-12-31T23:59:59.999999"


@pytest.fixture
def printer():
    printer = make_printer()
    for n in range(3):
        snapshot_record(printer=printer, status=make_status(T0 + timedelta(minutes=n)))
    return printer


def get(client, url, printer, **params):
    return client.get(url, {"printer": printer.slug, **params})


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"since": f"{FIRST}+14:00"}, "since"),  # year 0 in UTC
        ({"since": f"{FIRST}+00:01"}, "since"),
        ({"until": "9999-12-31T23:59:59-14:00"}, "until"),  # year 10000 in UTC
        ({"until": f"{LAST}-00:01"}, "until"),
        ({"since": f"{FIRST}+14:00", "until": "9999-12-31T23:59:59-14:00"}, "since, until"),
    ],
)
@pytest.mark.parametrize("url", HISTORY[:2])
def test_a_moment_outside_the_utc_calendar_is_a_400_naming_it(client, printer, url, params, named):
    response = get(client, url, printer, **params)

    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == ["detail", *named.split(", ")]
    assert f"Invalid input: {named}." == body["detail"]
    for name in named.split(", "):
        assert "outside 0001-01-01T00:00:00..9999-12-31T23:59:59.999999 in UTC" in body[name][0]


def test_an_until_too_early_for_the_default_span_is_a_400_naming_until(client, printer):
    for until in (FIRST, f"{FIRST}+00:00", "0001-01-01T05:59:59Z"):
        response = get(client, "/api/history/temperatures", printer, until=until)
        assert response.status_code == 400, (until, response.content)
        assert "give since as well" in response.json()["until"][0]


@pytest.mark.parametrize(
    "params",
    [
        {"until": FIRST},
        {"since": FIRST},
        {"since": f"{FIRST}-14:00"},  # 14:00 UTC on the first day: fine
        {"until": LAST},
        {"until": "9999-12-31T23:59:59+14:00"},
        {"since": FIRST, "until": LAST},
        {"since": f"{FIRST}Z", "until": f"{LAST}+00:00"},
    ],
)
@pytest.mark.parametrize("url", HISTORY)
def test_the_first_and_last_moments_in_utc_are_answered(client, printer, url, params):
    if url.endswith("temperatures") and params == {"until": FIRST}:
        params = {**params, "since": FIRST}
        params["until"] = "0001-01-01T00:00:01"
    response = get(client, url, printer, **params)

    assert response.status_code == 200, response.content


def test_buckets_over_the_whole_calendar_stay_inside_it(client, printer):
    for points in (1, 7, 2000):
        response = get(client, "/api/history/temperatures", printer, since=FIRST, until=LAST, points=points)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["since"] == "0001-01-01T00:00:00+00:00"
        assert body["until"] == "9999-12-31T23:59:59.999999+00:00"
        buckets = body["series"]["extruder"]
        assert sum(bucket["samples"] for bucket in buckets) == 3
        for bucket in buckets:
            assert body["since"] <= bucket["start"] <= bucket["end"] <= body["until"]


def test_the_last_six_hours_of_the_calendar_are_the_default_span_before_its_end(client, printer):
    response = get(client, "/api/history/temperatures", printer, until=LAST)
    assert response.status_code == 200, response.content
    assert response.json()["since"] == "9999-12-31T17:59:59.999999+00:00"
    assert response.json()["series"] == {}
