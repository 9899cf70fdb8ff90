"""Notifications of the wrong shape or of kinds we do not follow are skipped, logged once per kind."""

import logging

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


async def test_bad_notifications_are_skipped_logged_once_and_good_ones_still_count(caplog):
    caplog.set_level(logging.INFO, logger="status.sources.moonraker")
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="", printer_slug="p1").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")
            for _ in range(3):
                await fake.notify("notify_status_update", "not a list")
                await fake.notify("notify_status_update", [{"extruder": 5}, 1.0])
                await fake.notify("notify_history_changed", [{"action": "added"}])
                await fake.notify("notify_gcode_response", [{"line": 1}])
                await fake.notify("notify_something_new", [1])
                await fake.notify("notify_proc_stat_update", [{}])  # sent every second: silently skipped
            await fake.push_status({"extruder": {"temperature": 99.5}})
            await sink.until(
                lambda s: any(t.actual == 99.5 for t in s.last_status.temperatures), timeout=5, what="the good diff"
            )

    once = [r.getMessage() for r in caplog.records if "logged once per kind" in r.getMessage()]
    assert len(once) == 5
    assert all(message.startswith("printer p1: ") for message in once)
    kinds = sorted(message.split(": ", 1)[1].split(" (logged once")[0] for message in once)
    assert kinds == sorted(
        [
            "malformed notify_status_update",
            "malformed extruder update",
            "malformed notify_history_changed",
            "malformed notify_gcode_response",
            "unexpected notify_something_new",
        ]
    )
    assert sink.of("jobs") == []
    assert sink.link == ("connected", "")
