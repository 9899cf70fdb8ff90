"""Board-asset upload benchmark: throughput for 1 MB and 20 MB files, and the server's peak memory.

    .venv/bin/python bench/assets_bench.py            # full run (about a minute)
    .venv/bin/python bench/assets_bench.py --quick    # fewer uploads

Runs the web server as deploy.sh does (python -m klipperiwc_site.web, one
daphne process, SQLite, local storage in a temporary folder) and uploads
distinct valid PNG files over HTTP, one at a time. Memory: the daphne
process's resident set when idle (after a warm-up upload) and its peak
(VmHWM, reset through /proc/PID/clear_refs) during one 20 MB upload.
Target (issue #4): the peak grows by less than 25 MB over idle.

Prints a table and adds its rows to bench/RESULTS.md (replacing earlier rows
of this benchmark).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from urllib3 import encode_multipart_formdata

sys.path.insert(0, str(Path(__file__).resolve().parent))
from status_bench import ROOT, Daphne, log, manage, project_env

UPLOAD_TOKEN = "bench-upload-token-0123456789"  # noqa: S105 -- a throwaway bench token
MODERATOR_TOKEN = "bench-moderator-token-0123456789"  # noqa: S105
MARK = "<!-- assets_bench -->"
END_MARK = "<!-- /assets_bench -->"
TARGET_MB = 25
TARGET_1MB_MEDIAN_MS = 25  # issue #12: the checker child is started before the upload arrives


def png_of_size(target_bytes: int, seed: int) -> bytes:
    """A valid PNG of about target_bytes: noise does not compress."""
    side = int((target_bytes / 3) ** 0.5)
    pixels = bytearray(os.urandom(side * side * 3))
    pixels[:8] = seed.to_bytes(8, "big")  # distinct files even if urandom repeated
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), bytes(pixels)).save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


class Server(Daphne):
    """The web server (status_bench.Daphne) plus what this benchmark needs: uploads and the daphne process."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        self.daphne_pid = int(children[0])

    def upload(self, content: bytes) -> float:
        body, content_type = encode_multipart_formdata({"file": ("board.png", content, "image/png")})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        connection.request(
            "POST",
            "/api/board-assets/",
            body=body,
            headers={"Content-Type": content_type, "X-Board-Assets-Key": UPLOAD_TOKEN},
        )
        response = connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
        connection.close()
        if response.status != 201:
            raise SystemExit(f"upload answered {response.status}: {json.loads(answer)}")
        return elapsed

    def cpu_seconds(self) -> float:
        """CPU time used so far by daphne and the image checker (its forkserver and the children it reaped)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self.daphne_pid, *self.forkservers()]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime (fields 14-17 of proc(5), counted after the command name)
            total += sum(int(value) for value in fields[11:15]) / ticks
        return total

    def forkservers(self) -> list[int]:
        found = []
        for child in Path(f"/proc/{self.daphne_pid}/task/{self.daphne_pid}/children").read_text().split():
            if b"multiprocessing.forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
        return found

    def memory_kib(self, field: str) -> int:
        for line in Path(f"/proc/{self.daphne_pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise KeyError(field)

    def reset_peak(self) -> None:
        Path(f"/proc/{self.daphne_pid}/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer uploads")
    args = parser.parse_args()
    counts = {1_000_000: 10 if args.quick else 40, 20_000_000: 3 if args.quick else 8}

    load_before = os.getloadavg()
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="klipperiwc-assets-bench-") as tmp:
        env = project_env(
            DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            BOARD_ASSET_LOCAL_PATH=f"{tmp}/assets",
            BOARD_ASSET_UPLOAD_TOKEN=UPLOAD_TOKEN,
            BOARD_ASSET_MODERATION_TOKEN=MODERATOR_TOKEN,
        )
        log("migrating the SQLite database")
        manage(env, "migrate", "--noinput")
        log("making the test files")
        files = {size: [png_of_size(size, seed) for seed in range(count)] for size, count in counts.items()}
        server = Server(env)
        try:
            server.upload(png_of_size(50_000, 10_000))  # warm-up: imports, first connection, the checker
            # Memory first, on a fresh process: later uploads leave freed memory
            # in the process that the next one reuses, which would hide the peak.
            log("peak memory during the first 20 MB upload")
            time.sleep(1)
            idle_kib = server.memory_kib("VmRSS")
            server.reset_peak()
            server.upload(files[20_000_000][0])
            peak_kib = server.memory_kib("VmHWM")
            for size, payloads in files.items():
                label = f"{size / 1e6:.0f} MB"
                log(f"uploading {len(payloads) - 1} files of {label}")
                # The first 20 MB file went into the memory measurement.
                cpu_before = server.cpu_seconds()
                seconds = [server.upload(content) for content in payloads[1:]]
                time.sleep(0.5)  # the last used checker is reaped and its replacement started
                cpu_ms = (server.cpu_seconds() - cpu_before) / len(seconds) * 1000
                total_bytes = sum(len(content) for content in payloads[1:])
                median_ms = sorted(seconds)[len(seconds) // 2] * 1000
                target = TARGET_1MB_MEDIAN_MS if size == 1_000_000 else None
                rows.append(
                    (
                        f"Upload throughput, {label} PNG files, one at a time",
                        f"{len(seconds) / sum(seconds):.1f} uploads/s; {total_bytes / sum(seconds) / 1e6:.1f} MB/s; "
                        f"median {median_ms:.0f} ms (fastest {min(seconds) * 1000:.0f} ms); "
                        f"CPU {cpu_ms:.0f} ms per upload (daphne + checker)",
                        f"median < {target} ms" if target else "(reported)",
                        ("met" if median_ms < target else "missed") if target else "-",
                    )
                )
            after_kib = server.memory_kib("VmRSS")
            uploads = sum(len(payloads) for payloads in files.values())
        finally:
            server.stop()
    growth_mb = (peak_kib - idle_kib) / 1024
    rows.append(
        (
            "Server memory during a 20 MB upload (daphne process: idle RSS -> peak)",
            f"{idle_kib / 1024:.0f} MB -> {peak_kib / 1024:.0f} MB (+{growth_mb:.1f} MB); "
            f"{after_kib / 1024:.0f} MB after {uploads} uploads",
            f"< +{TARGET_MB} MB",
            "met" if growth_mb < TARGET_MB else "missed",
        )
    )
    write_results(rows, quick=args.quick, load_before=load_before)


def write_results(rows, *, quick: bool, load_before: tuple[float, float, float]) -> None:
    header = ("measure", "result", "target", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    # Only this bench's section is replaced (MARK .. END_MARK); what follows it (other benches') stays.
    before, _, rest = text.partition(MARK)
    after = rest.partition(END_MARK)[2]
    text = before.rstrip() + "\n"
    lines = [
        "",
        MARK,
        "## Board-asset uploads",
        "",
        f"`bench/assets_bench.py{' --quick' if quick else ''}` on {datetime.now(UTC).isoformat(timespec='seconds')}"
        f" (one daphne process, SQLite, local storage; {os.cpu_count()} cores; load average before the run"
        f" {' / '.join(f'{value:.2f}' for value in load_before)}; commit {commit()}).",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        END_MARK,
        "",
    ]
    results.write_text(text + "\n".join(lines) + (f"\n{after.strip()}\n" if after.strip() else ""))
    log("wrote bench/RESULTS.md")


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main()
