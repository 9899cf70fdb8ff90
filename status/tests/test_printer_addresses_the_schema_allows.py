"""Every moonraker_url the printer checks accept matches the pattern the OpenAPI schema states for it.

The schema check (schemathesis) sends addresses outside the pattern and expects a 400: an address the
server takes but the schema forbids would be a broken promise.
"""

import random
import re
import string

import pytest

from status.printer_validation import MOONRAKER_URL_PATTERN, printer_problems

PATTERN = re.compile(MOONRAKER_URL_PATTERN)
PIECES = (
    ["http", "https", "HTTP", "hTTps", "://", ":", "/", "?", "#", "@", " ", "\t", "\n", "[", "]", "::1", "a", "host",
     "7125", "99999", "0", ".", "-", "%20", "é", "\\", "user:pw@", "\x7f", "\x01"]
)  # fmt: skip


def accepted(url: str) -> bool:
    return "moonraker_url" not in printer_problems(
        source_kind="moonraker", moonraker_url=url, api_key="", source_config={}, tags=[]
    )


def candidates(count: int):
    """URL-like strings from the pieces above, and random text (a fixed seed: the same run every time)."""
    rng = random.Random(20261201)
    alphabet = string.printable + "é\x00\x7f"

    def pieces(most: int) -> str:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))

    for _ in range(count):
        kind = rng.random()
        if kind < 0.5:  # shaped like an address, with odd pieces anywhere in it
            yield (
                rng.choice(["http", "https", "HTTPS", pieces(2)])
                + "://"
                + pieces(3)
                + rng.choice(["", ":7125"])
                + (rng.choice(["", "/"]) + pieces(3))
            )
        elif kind < 0.8:
            yield pieces(10)
        else:
            yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def test_what_is_accepted_matches_the_pattern():
    taken = [url for url in candidates(20_000) if accepted(url)]

    assert len(taken) > 100  # the pieces do make addresses
    assert [url for url in taken if not PATTERN.match(url)] == []


@pytest.mark.parametrize(
    "url",
    ["http://printer.local:7125", "https://10.0.0.5:7125/moonraker", "HTTP://[::1]:7125", "http://h", "http://h/a/b"],
)
def test_real_addresses_are_accepted_and_match(url):
    assert accepted(url)
    assert PATTERN.match(url)


@pytest.mark.parametrize(
    "url",
    [" http://h:7125", "http://h:7125 ", "ht\ttp://h:7125", "http://h:71\n25", "http://h?", "http://h#", "http://u@h"],
)
def test_what_urlsplit_would_quietly_change_is_refused(url):
    assert not accepted(url)


@pytest.mark.parametrize("kind", ["demo", "moonraker"])
def test_an_address_is_checked_for_every_kind(kind):
    problems = printer_problems(source_kind=kind, moonraker_url="printer.local", api_key="", source_config={}, tags=[])
    assert "moonraker_url" in problems
    assert printer_problems(source_kind="demo", moonraker_url="", api_key="", source_config={}, tags=[]) == {}
