"""status.printer_validation: what a printer's tags may be, and addresses shown without credentials."""

import pytest

from status.printer_validation import printer_problems, tags_clean, tags_problem, url_for_display


@pytest.mark.parametrize("tags", [[], ["farm-a"], ["a", "b_2", "0-9"], ["x" * 32], [f"t{n}" for n in range(20)]])
def test_good_tags(tags):
    assert tags_problem(tags) is None


@pytest.mark.parametrize(
    "tags",
    [
        "farm-a",
        None,
        ["Farm"],
        ["-lead"],
        ["_lead"],
        ["with space"],
        [""],
        ["x" * 33],
        ["ünï"],
        ["a\n"],
        [1],
        [f"t{n}" for n in range(21)],
        ["same"] * 21,  # repeats count towards the limit, as the schema's maxItems says
    ],
)
def test_bad_tags(tags):
    assert tags_problem(tags)


def test_repeats_are_dropped_in_order():
    assert tags_clean(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_printer_problems_by_field():
    assert printer_problems(source_kind="demo", moonraker_url="", api_key="", source_config={}, tags=[]) == {}
    assert (
        printer_problems(
            source_kind="moonraker", moonraker_url="http://h:7125", api_key="k", source_config={}, tags=["a"]
        )
        == {}
    )
    problems = printer_problems(
        source_kind="moonraker", moonraker_url="h:7125", api_key="", source_config={"x": float("nan")}, tags=["A"]
    )
    assert set(problems) == {"moonraker_url", "source_config", "tags"}
    assert set(printer_problems(source_kind="octo", moonraker_url="", api_key="", source_config={}, tags=[])) == {
        "source_kind"
    }


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("", ""),
        ("http://printer.local:7125", "http://printer.local:7125"),
        ("https://10.0.0.5:7125/moonraker", "https://10.0.0.5:7125/moonraker"),
        ("http://user:secret@printer.local:7125/mr", "http://printer.local:7125/mr"),
        ("http://user@[::1]:7125", "http://[::1]:7125"),
        ("http://u:p@host:99999999", ""),  # not even a port: nothing rather than the credentials
    ],
)
def test_an_address_is_shown_without_credentials(url, shown):
    assert url_for_display(url) == shown
