"""Through real Moonraker: a wrong or missing API key is auth_failed with Moonraker's reason, offline."""

import pytest

from status.sources.moonraker.source import MoonrakerSource
from status.sources.moonraker.testing import FollowThread, RecordingSink

pytestmark = [pytest.mark.moonraker, pytest.mark.slow]


@pytest.mark.parametrize(("key", "reason"), [("0" * 32, "Invalid API Key"), ("", "Unauthorized")])
def test_a_refused_key_is_auth_failed(moonraker_printer, key, reason):
    mr = moonraker_printer()
    sink = RecordingSink()

    with FollowThread(MoonrakerSource(url=mr.url, api_key=key), sink):
        sink.wait(lambda s: s.link[0] == "auth_failed", timeout=10, what="auth_failed")

    assert sink.link == ("auth_failed", f"Moonraker at 127.0.0.1:{mr.port} refused the API key ({reason})")
    assert sink.last_status.state == "offline"
    assert sink.last_status.message.startswith("Moonraker refused the API key")
    assert mr.api_key not in repr(sink.records)
