"""Klippy not ready: klippy_not_ready and offline; followed (subscribed) as soon as it is, by notification or poll."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


def subscriptions(fake):
    return [params for method, params in fake.calls if method == "printer.objects.subscribe"]


async def test_klippy_starting_is_klippy_not_ready_then_connected_once_server_info_says_ready():
    async with FakeMoonraker(klippy_state="startup") as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link[0] == "klippy_not_ready", timeout=5, what="not ready")
            assert sink.link[1] == "Klippy is starting up"
            assert (sink.last_status.state, sink.last_status.message) == ("offline", "Klippy is starting up")
            assert subscriptions(fake) == []

            fake.klippy_state = "ready"  # no notification: the server.info poll finds it
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")

    assert sink.last_status.state == "idle"
    objects = set(subscriptions(fake)[0]["objects"])
    assert {"webhooks", "print_stats", "virtual_sdcard", "display_status", "pause_resume"} <= objects
    assert {"idle_timeout", "toolhead", "fan", "extruder", "heater_bed", "temperature_sensor chamber"} <= objects


async def test_klippy_disconnecting_is_offline_and_ready_again_resubscribes():
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")

            fake.klippy_state = "disconnected"
            await fake.notify("notify_klippy_disconnected")
            await sink.until(lambda s: s.last_status.state == "offline", timeout=5, what="offline")
            assert sink.last_status.message == "Klippy is not connected to Moonraker"
            assert sink.link == ("klippy_not_ready", "Klippy is not connected to Moonraker")

            fake.klippy_state = "ready"
            fake.objects["extruder"]["temperature"] = 42.0
            await fake.notify("notify_klippy_ready")
            await sink.until(lambda s: s.link == ("connected", ""), timeout=1, what="ready again")

    assert len(subscriptions(fake)) == 2
    assert {t.component: t.actual for t in sink.last_status.temperatures}["extruder"] == 42.0


async def test_klippy_shut_down_is_error_and_klippy_not_ready():
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")

            await fake.push_status({"webhooks": {"state": "shutdown", "state_message": "MCU 'mcu' shutdown"}})
            await fake.notify("notify_klippy_shutdown")
            await sink.until(lambda s: s.link[0] == "klippy_not_ready", timeout=5, what="not ready")

    assert (sink.last_status.state, sink.last_status.message) == ("error", "MCU 'mcu' shutdown")
    assert sink.link == ("klippy_not_ready", "MCU 'mcu' shutdown")
