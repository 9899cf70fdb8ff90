"""A scrape drops the live gauges of this host's processes that are gone, never another host's (container's)."""

import subprocess
import sys

from klipperiwc_site import metrics


def test_only_this_hosts_dead_processes_lose_their_live_gauges(tmp_path):
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # reaped: its pid runs nothing now
    names = {
        "dead": f"gauge_livesum_{metrics.process_identifier(ended.pid)}.db",
        "alive": f"gauge_livesum_{metrics.process_identifier()}.db",
        "elsewhere": f"gauge_livesum_other-container-{ended.pid}.db",
        "counter": f"counter_{metrics.process_identifier(ended.pid)}.db",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"")

    assert metrics.forget_dead_processes(str(tmp_path)) == [ended.pid]

    left = {path.name for path in tmp_path.iterdir()}
    assert names["dead"] not in left
    # This process, another host's process with the same pid, and every counter (totals never drop) stay.
    assert {names["alive"], names["elsewhere"], names["counter"]} <= left
