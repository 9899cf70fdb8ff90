"""A printer that sends no diffs (idle, steady temperatures) is still reported every few seconds."""

import pytest

from status.sources.moonraker import source as source_module
from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FakeMoonraker, RecordingSink, running

pytestmark = pytest.mark.asyncio


async def test_the_status_is_sent_again_when_nothing_changed(monkeypatch):
    monkeypatch.setattr(source_module, "STATUS_REPEAT_SECONDS", 0.1)
    async with FakeMoonraker() as fake:
        sink = RecordingSink()
        async with running(MoonrakerSource(url=fake.url, api_key="").follow(sink)):
            await sink.until(lambda s: s.link == ("connected", ""), timeout=5, what="connected")
            first = len(sink.statuses)
            await sink.until(lambda s: len(s.statuses) >= first + 3, timeout=2, what="repeats")

    repeats = sink.statuses[first - 1 :]
    assert {status.state for status in repeats} == {"idle"}
    assert sorted(status.updated_at for status in repeats) == [status.updated_at for status in repeats]
    assert len({status.updated_at for status in repeats}) == len(repeats)
    assert not [call for call in fake.calls if call[0] == "server.info"][1:]  # klippy ready: no polling
