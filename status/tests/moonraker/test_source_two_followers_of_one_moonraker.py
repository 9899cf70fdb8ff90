"""Two followers of one Moonraker (two bridges during a takeover, or two hubs): Moonraker takes one agent per
name, so the second one's identify is refused, and it follows all the same (its key was accepted)."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_both_followers_see_the_printer(moonraker_printer):
    mr = moonraker_printer()
    first, second = RecordingSink(), RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), first):
        first.wait(lambda s: s.link == ("connected", ""), timeout=10, what="the first connected")
        with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), second):
            second.wait(lambda s: s.link == ("connected", ""), timeout=10, what="the second connected")
            mr.result("POST", "/printer/gcode/script", script="M104 S90")
            for sink in (first, second):
                sink.wait(
                    lambda s: {t.component: t.target for t in s.last_status.temperatures}["extruder"] == 90.0,
                    timeout=10,
                    what="the new target",
                )

    assert "Agent 'KlipperIWC' already registered" in mr.moonraker_log.read_text()
    assert [state for state, _ in second.connections] == ["connecting", "connected"]
