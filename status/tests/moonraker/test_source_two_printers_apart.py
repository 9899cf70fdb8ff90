"""Two printers followed at once on one loop: one whose Moonraker is down does not hold the other back."""

import asyncio
import time

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import RecordingSink, running

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


def test_a_stuck_printer_does_not_delay_a_working_one(moonraker_printer, tcp_proxy):
    good = moonraker_printer()
    bad = moonraker_printer()
    proxy = tcp_proxy("127.0.0.1", bad.port)

    async def scenario():
        good_sink, bad_sink = RecordingSink(), RecordingSink()
        bad_source = MoonrakerSource(url=f"http://127.0.0.1:{proxy.port}", api_key=bad.api_key)
        async with (
            running(MoonrakerSource(url=good.url, api_key=good.api_key).follow(good_sink)),
            running(bad_source.follow(bad_sink)),
        ):
            await good_sink.until(lambda s: s.link == ("connected", ""), timeout=10, what="good connected")
            await bad_sink.until(lambda s: s.link == ("connected", ""), timeout=10, what="bad connected")
            proxy.cut()
            await asyncio.to_thread(bad.kill_moonraker)
            await bad_sink.until(lambda s: s.link[0] == "unreachable", timeout=10, what="bad unreachable")

            started = time.monotonic()
            await asyncio.to_thread(good.result, "POST", "/printer/gcode/script", script="M104 S120")
            await good_sink.until(
                lambda s: {t.component: t.target for t in s.last_status.temperatures}["extruder"] == 120.0,
                timeout=5,
                what="the good printer's new target",
            )
            return time.monotonic() - started, bad_sink

    took, bad_sink = asyncio.run(scenario())

    assert took < 2.0
    assert bad_sink.last_status.state == "offline"
