"""The bridge's printer sink, fed by the real Moonraker source: a Moonraker killed and started again counts
one reconnect for that printer in /metrics, and each connection state it passed through."""

from types import SimpleNamespace

import pytest

from klipperiwc_site.tests.metrics_scrape import scrape, value
from status.bridge.runner import PrinterSink
from status.models import Printer
from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow, pytest.mark.django_db]

RECONNECTS = "klipperiwc_bridge_reconnects_total"
CHANGES = "klipperiwc_bridge_connection_changes_total"


class BridgeSink(RecordingSink):
    """Records for waiting, and hands each connection change to the bridge's own PrinterSink, which counts it."""

    def __init__(self, slug: str) -> None:
        super().__init__()
        # The bridge's queued writes are not under test: the sink's counting is.
        bridge = SimpleNamespace(writes=SimpleNamespace(connection=lambda *args, **kwargs: None))
        self.printer_sink = PrinterSink(bridge, Printer(slug=slug, name=slug))  # type: ignore[arg-type]

    async def connection(self, state: str, message: str = "") -> None:
        await self.printer_sink.connection(state, message)
        await super().connection(state, message)


def test_a_restarted_moonraker_counts_one_reconnect(moonraker_printer, client):
    mr = moonraker_printer()
    sink = BridgeSink("mk-reconnects")
    before = scrape(client)

    with FollowThread(MoonrakerSource(url=mr.url, api_key=mr.api_key), sink):
        sink.wait(lambda s: s.link == ("connected", ""), timeout=20, what="connected")
        first = scrape(client)
        mr.kill_moonraker()
        sink.wait(lambda s: s.link[0] == "unreachable", timeout=10, what="unreachable")
        mr.start_moonraker()
        sink.wait(lambda s: s.link == ("connected", ""), timeout=30, what="connected again")
    after = scrape(client)

    assert value(first, RECONNECTS, printer="mk-reconnects") == 0  # the first connection is none
    assert value(after, RECONNECTS, printer="mk-reconnects") == 1
    assert value(after, CHANGES, state="connected") - value(before, CHANGES, state="connected") == 2
    assert value(after, CHANGES, state="unreachable") - value(before, CHANGES, state="unreachable") >= 1
