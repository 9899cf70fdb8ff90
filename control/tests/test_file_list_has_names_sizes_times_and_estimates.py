"""GET .../files: Moonraker's G-code files, newest first, a page at a time, with the slicer's estimate."""

import pytest

from control.tests.conftest import Answer, audit_rows

pytestmark = pytest.mark.django_db

FILES = [
    {"path": "old.gcode", "modified": 1700000000.5, "size": 1000, "permissions": "rw"},
    {"path": "parts/new.gcode", "modified": 1800000000.0, "size": 2048, "permissions": "rw"},
    {"path": "middle.gcode", "modified": 1750000000.0, "size": 10, "permissions": "rw"},
]


def metadata(seen):
    name = seen.query["filename"][0]
    if name == "middle.gcode":
        return Answer(404, {"error": {"code": 404, "message": "Metadata not available for middle.gcode"}})
    return Answer(200, {"result": {"estimated_time": 3600.5 if name == "old.gcode" else 42, "slicer": "PrusaSlicer"}})


@pytest.fixture
def printer(fake_moonraker, moonraker_row):
    fake_moonraker.result("GET", "/server/files/list", FILES)
    fake_moonraker.answer("GET", "/server/files/metadata", metadata)
    return moonraker_row(fake_moonraker.url)


def test_it_lists_the_files_newest_first_with_estimates(control, fake_moonraker, printer):
    response = control.get("voron", "files")

    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [
            {"name": "parts/new.gcode", "size": 2048, "modified": "2027-01-15T08:00:00+00:00", "estimated_time": 42.0},
            {"name": "middle.gcode", "size": 10, "modified": "2025-06-15T15:06:40+00:00", "estimated_time": None},
            {
                "name": "old.gcode",
                "size": 1000,
                "modified": "2023-11-14T22:13:20.500000+00:00",
                "estimated_time": 3600.5,
            },
        ],
    }
    assert fake_moonraker.requests[0].query == {"root": ["gcodes"]}
    [row] = audit_rows()
    assert (row["action"], row["outcome"], row["arguments"]) == ("files", "ok", {"page": 1, "page_size": 50})


def test_it_asks_for_the_metadata_of_the_page_only(control, fake_moonraker, printer):
    response = control.get("voron", "files", page=2, page_size=2)

    assert response.status_code == 200
    body = response.json()
    assert [f["name"] for f in body["results"]] == ["old.gcode"]
    assert body["count"] == 3
    assert body["next"] is None
    assert "page_size=2" in body["previous"]
    asked = [seen.query["filename"][0] for seen in fake_moonraker.requests if seen.path == "/server/files/metadata"]
    assert asked == ["old.gcode"]


def test_the_last_page_by_name(control, printer):
    assert [f["name"] for f in control.get("voron", "files", page="last", page_size=2).json()["results"]] == [
        "old.gcode"
    ]


@pytest.mark.parametrize(("params", "status"), [({"page": 3}, 404), ({"page": "x"}, 404), ({"page_size": 0}, 400)])
def test_a_page_that_does_not_exist_is_refused(control, printer, params, status):
    response = control.get("voron", "files", **params)

    assert response.status_code == status
    assert audit_rows()[0]["outcome"] == "rejected"


def test_an_empty_folder_is_an_empty_page(control, fake_moonraker, moonraker_row):
    moonraker_row(fake_moonraker.url)

    assert control.get("voron", "files").json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_file_list_that_is_not_a_list_is_a_502(control, fake_moonraker, moonraker_row):
    fake_moonraker.result("GET", "/server/files/list", {"oops": 1})
    moonraker_row(fake_moonraker.url)

    assert control.get("voron", "files").status_code == 502
