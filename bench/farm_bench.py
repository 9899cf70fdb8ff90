"""Farm page benchmark: the farm at / with many printers updating live, measured in real Chromium.

    .venv/bin/python bench/farm_bench.py                      # 200 printers, 30 s window
    .venv/bin/python bench/farm_bench.py --printers 50 --seconds 10 --no-write
    .venv/bin/python bench/farm_bench.py --compare-css '*{animation:none!important;transition:none!important}'

What runs, all on 127.0.0.1:
- a fresh SQLite database (temporary folder), migrated, with ``--printers`` enabled demo printers
  (the migration's own demo printer is removed). Their ``created_at`` is spread over the demo's
  one-hour cycle, so the farm shows printing, paused, idle and (now and then) error printers at once;
  names, tags (``floor-1`` .. ``floor-4``) and seeds differ;
- one daphne in embedded mode (BRIDGE_MODE=web): its bridge samples every demo printer once a
  second and broadcasts each status through the real /ws/status, so N printers give N updates/s
  (STATUS_HISTORY_MIN_INTERVAL_MS is raised to 60 s so the history writes of 200 printers do not
  compete with the browser for the CPU; the page does not depend on it);
- Debian's Chromium (/usr/bin/chromium) driven by Playwright, headless, 1920x1080, opening ``/``.

Measured after ``--settle`` seconds on the page, over ``--seconds`` seconds:
- main thread busy: the page's CDP ``Performance.getMetrics`` TaskDuration (the renderer main
  thread's task time) delta divided by the wall-time delta (its Timestamp), sampled every second
  for the worst one-second window too; twice: in wall time (timeDomain timeTicks) and in the
  thread's CPU time (threadTicks); ScriptDuration / RecalcStyleDuration / LayoutDuration split it.
  On an idle machine the wall-time share is the verdict. On a loaded one (load average above the
  cores) the renderer waits for a CPU inside its tasks, so the verdict is the larger of the CPU-time
  share and the CPU one frame costs times 60 frames/s (what an idle machine would draw), at most 100 %;
  the main thread's CPU from /proc cross-checks it;
- long tasks: a PerformanceObserver for ``longtask`` entries (> 50 ms): count and the longest;
- frames: a requestAnimationFrame loop in the page: frames per second, the longest gap between
  frames and the gaps over 50 ms;
- updates really arriving: messages received by the page's WebSocket(s) (counted by a wrapper
  installed before the page's scripts run; status messages recognised by their "type") and the
  printer cards whose text changed in each second (cards: ``--card-selector``, default the most
  numerous of a few candidates, e.g. ``[data-printer]``);
- CPU of every Chromium process and of daphne (utime + stime from /proc) as a share of one core.

``--css`` adds CSS to the page; ``--compare-css CSS`` measures again with it and adds those rows
(to try a fix before making it).

Target (issue #11): 200 printers at 1 update/s each, the main thread under 30 % busy.
Prints a table and writes its own section of bench/RESULTS.md (between <!-- farm_bench --> and
<!-- /farm_bench -->; the other sections are kept). ``--screenshot PATH`` saves the page at the end
(default test-artifacts/screenshots/farm-bench-<N>.png). Processes and files it started are gone
at the end, also after an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = Path("/usr/bin/chromium")
MARK, END_MARK = "<!-- farm_bench -->", "<!-- /farm_bench -->"
TARGET_BUSY = 0.30
VIEWPORT = {"width": 1920, "height": 1080}
PROJECT_VARIABLES = (
    "APP_ENV",
    "LOG_LEVEL",
    "LOG_FILE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HOST",
    "PORT",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "WEB_PROCESSES",
    "WEB_REQUEST_THREADS",
)
PROJECT_PREFIXES = ("BOARD_ASSET_", "STATUS_", "BRIDGE_", "PRINTER_", "PRINT_JOB_")
CARD_CANDIDATES = ("[data-printer]", "[data-slug]", "[data-testid=printer-card]", ".printer-card", ".card", "article")

SEED_PRINTERS = """
import json
from datetime import timedelta
from django.utils import timezone
from status.models import Printer
count = {count}
Printer.objects.filter(slug="demo").delete()
now = timezone.now()
Printer.objects.bulk_create(
    Printer(
        slug=f"farm-{{i:03d}}",
        name=f"Farm printer {{i:03d}}" + (" with a rather long name for its card" if i % 17 == 0 else ""),
        source_kind="demo",
        source_config={{"seed": i}},
        tags=[f"floor-{{i % 4 + 1}}"] + (["petg"] if i % 3 == 0 else []),
        enabled=True,
    )
    for i in range(1, count + 1)
)
# Spread the printers over the demo's one-hour cycle (its timeline starts at created_at).
for i, printer in enumerate(Printer.objects.order_by("slug")):
    Printer.objects.filter(pk=printer.pk).update(created_at=now - timedelta(seconds=3600 + i * 3600 / count + 7))
print(json.dumps({{"printers": Printer.objects.filter(enabled=True).count()}}))
"""

# Runs in the page before its own scripts: counters the bench reads once a second.
INIT_SCRIPT = r"""
(() => {
  const bench = (window.__farmBench = {
    messages: 0, statusMessages: 0, bytes: 0, sockets: 0,
    frames: 0, maxFrameGap: 0, slowFrames: 0, lastFrame: 0,
    longTasks: [], cardText: new Map(),
  });
  const Native = window.WebSocket;
  const statusType = /"type"\s*:\s*"status"/;
  class CountingWebSocket extends Native {
    constructor(...args) {
      super(...args);
      bench.sockets += 1;
      this.addEventListener('message', (event) => {
        bench.messages += 1;
        if (typeof event.data === 'string') {
          bench.bytes += event.data.length;
          if (statusType.test(event.data.slice(0, 48))) bench.statusMessages += 1;
        }
      });
    }
  }
  window.WebSocket = CountingWebSocket;
  const frame = (now) => {
    if (bench.lastFrame) {
      const gap = now - bench.lastFrame;
      if (gap > bench.maxFrameGap) bench.maxFrameGap = gap;
      if (gap > 50) bench.slowFrames += 1;
    }
    bench.lastFrame = now;
    bench.frames += 1;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    bench.longTaskError = String(error);
  }
})();
"""

# Called once a second: what changed since the last call.
SAMPLE = r"""
(selector) => {
  const bench = window.__farmBench;
  const cards = selector ? document.querySelectorAll(selector) : [];
  let changed = 0;
  const seen = new Map();
  cards.forEach((card, index) => {
    const key = card.getAttribute('data-printer') || card.getAttribute('data-slug') || String(index);
    const text = card.textContent;
    if (bench.cardText.has(key) && bench.cardText.get(key) !== text) changed += 1;
    seen.set(key, text);
  });
  bench.cardText = seen;
  return {
    now: performance.now(), messages: bench.messages, statusMessages: bench.statusMessages, bytes: bench.bytes,
    sockets: bench.sockets, frames: bench.frames, slowFrames: bench.slowFrames, maxFrameGap: bench.maxFrameGap,
    longTasks: bench.longTasks.length, cards: cards.length, changed,
  };
}
"""

PICK_SELECTOR = r"""
(candidates) => {
  let best = null, most = 0;
  for (const selector of candidates) {
    const count = document.querySelectorAll(selector).length;
    if (count > most) { best = selector; most = count; }
  }
  return best;
}
"""


def log(message: str) -> None:
    print(f"{datetime.now(UTC).isoformat(timespec='seconds')}  {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PROJECT_VARIABLES and not key.startswith(PROJECT_PREFIXES)
    }
    env.update(ENV_FILE="", PYTHONUNBUFFERED="1", **overrides)
    return env


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> set[int]:
    """Every process below ``root`` (by parent id)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def chromium_pids(exclude: set[int]) -> set[int]:
    pids = set()
    for pid in descendants(os.getpid()) - exclude:
        try:
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                pids.add(pid)
        except OSError:
            continue
    return pids


def renderer_main_threads(pids: set[int]) -> set[int]:
    """The renderers among ``pids`` (their main thread's id is the process id)."""
    found = set()
    for pid in pids:
        try:
            # Chromium rewrites its children's titles: their arguments may be one string with spaces.
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
        except OSError:
            continue
        if b"--type=renderer" in cmdline and b"--top-chrome-webui" not in cmdline:
            found.add(pid)
    return found


def thread_cpu_seconds(pid: int) -> float:
    """utime + stime of a process's main thread."""
    try:
        fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def code_version() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "static", "templates", "status"], cwd=ROOT, check=False
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (" with uncommitted changes under static/, templates/ or status/" if changed else "")


class Farm:
    """The database, daphne and its embedded bridge; ``stop()`` ends them."""

    def __init__(self, tmp: Path, printers: int, log_level: str) -> None:
        self.tmp = tmp
        self.printers = printers
        self.env = project_env(
            APP_ENV="development",
            SECRET_KEY=secrets.token_urlsafe(48),
            DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
            BRIDGE_MODE="web",
            STATUS_HISTORY_MIN_INTERVAL_MS="60000",
            LOG_LEVEL=log_level,
            LOG_FILE="-",
        )
        self.daphne: subprocess.Popen | None = None
        self.url = ""

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise SystemExit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        seeded = json.loads(
            self.manage("shell", "--no-imports", "-c", SEED_PRINTERS.format(count=self.printers)).splitlines()[-1]
        )
        log(f"{seeded['printers']} enabled demo printers")
        port = free_port()
        self.log_file = (self.tmp / "daphne.log").open("w")
        self.daphne = subprocess.Popen(
            [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "klipperiwc_site.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if self.daphne.poll() is not None:
                raise SystemExit(f"daphne exited:\n{(self.tmp / 'daphne.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        log(f"daphne (embedded bridge) at {self.url}")

    def stop(self) -> None:
        if self.daphne and self.daphne.poll() is None:
            self.daphne.terminate()
            try:
                self.daphne.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.daphne.kill()
                self.daphne.wait()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return (self.tmp / "daphne.log").read_text()[-chars:]
        except OSError:
            return ""


class Listener(threading.Thread):
    """A /ws/status client of the bench's own: how many statuses the server sends to one client."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url.replace("http://", "ws://") + "/ws/status"
        self.statuses = 0
        self.error: str | None = None
        self._done = threading.Event()

    def run(self) -> None:
        import asyncio

        from websockets.asyncio.client import connect

        async def listen() -> None:
            async with connect(self.url, max_queue=None, compression=None) as websocket:
                while not self._done.is_set():
                    try:
                        message = await asyncio.wait_for(websocket.recv(), timeout=0.5)
                    except TimeoutError:
                        continue
                    if '"status"' in message[:48]:
                        self.statuses += 1

        try:
            asyncio.run(listen())
        except Exception as exc:  # reported in the table, the page's numbers stand on their own
            self.error = repr(exc)

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


def metrics(cdp) -> dict[str, float]:
    return {item["name"]: item["value"] for item in cdp.send("Performance.getMetrics")["metrics"]}


def measure(args, farm: Farm, css_extra: str | None = None, screenshot: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(INIT_SCRIPT)
            if css_extra:
                css = json.dumps(css_extra)
                context.add_init_script(
                    "document.addEventListener('DOMContentLoaded', () => {"
                    f" const style = document.createElement('style'); style.textContent = {css};"
                    " document.head.append(style); });"
                )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            # Two sessions: durations in wall time (timeTicks) and in the main thread's CPU time (threadTicks).
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable", {"timeDomain": "timeTicks"})
            cdp_cpu = context.new_cdp_session(page)
            cdp_cpu.send("Performance.enable", {"timeDomain": "threadTicks"})
            started = time.monotonic()
            page.goto(f"{farm.url}/", wait_until="load", timeout=120_000)
            load_seconds = time.monotonic() - started
            selector = args.card_selector or page.evaluate(PICK_SELECTOR, list(CARD_CANDIDATES))
            log(f"page loaded in {load_seconds:.1f} s; cards: {selector!r}; settling {args.settle} s")
            page.wait_for_timeout(args.settle * 1000)

            listener = Listener(farm.url)
            listener.start()
            page.wait_for_timeout(2000)  # connected and receiving
            browser_pids = chromium_pids({farm.daphne.pid})
            cpu_before = {pid: cpu_seconds(pid) for pid in browser_pids}
            renderers = renderer_main_threads(descendants(os.getpid()) - {farm.daphne.pid})
            renderer_before = {pid: thread_cpu_seconds(pid) for pid in renderers}
            daphne_before = cpu_seconds(farm.daphne.pid)
            load_before = os.getloadavg()
            page.evaluate(SAMPLE, selector)  # the baseline of the card texts
            first = page.evaluate(SAMPLE, selector)
            first_metrics = metrics(cdp)
            first_cpu = metrics(cdp_cpu)
            listener_first = listener.statuses
            first_long = page.evaluate("() => window.__farmBench.longTasks.length")
            wall_start = time.monotonic()
            seconds: list[dict] = []
            previous, previous_metrics, previous_cpu = first, first_metrics, first_cpu
            while time.monotonic() - wall_start < args.seconds:
                page.wait_for_timeout(max(0, 1000 - (time.monotonic() - wall_start) * 1000 % 1000))
                sample = page.evaluate(SAMPLE, selector)
                current = metrics(cdp)
                current_cpu = metrics(cdp_cpu)
                wall = current["Timestamp"] - previous_metrics["Timestamp"]
                seconds.append(
                    {
                        "busy": (current["TaskDuration"] - previous_metrics["TaskDuration"]) / wall,
                        "cpu": (current_cpu["TaskDuration"] - previous_cpu["TaskDuration"])
                        / (current_cpu["Timestamp"] - previous_cpu["Timestamp"]),
                        "status": (sample["statusMessages"] - previous["statusMessages"]) / wall,
                        "changed": sample["changed"],
                        "cards": sample["cards"],
                    }
                )
                previous, previous_metrics, previous_cpu = sample, current, current_cpu
            last, last_metrics, last_cpu = previous, previous_metrics, previous_cpu
            listener_last = listener.statuses
            listener.stop()
            wall = last_metrics["Timestamp"] - first_metrics["Timestamp"]
            daphne_cpu = (cpu_seconds(farm.daphne.pid) - daphne_before) / wall
            browser_cpu = sum(cpu_seconds(pid) - before for pid, before in cpu_before.items()) / wall
            renderer_cpu = sum(thread_cpu_seconds(pid) - before for pid, before in renderer_before.items()) / wall
            load_after = os.getloadavg()
            long_tasks = page.evaluate("(from) => window.__farmBench.longTasks.slice(from)", first_long)
            long_error = page.evaluate("() => window.__farmBench.longTaskError || null")
            if screenshot:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
                log(f"screenshot: {screenshot}")
            context.close()
        finally:
            browser.close()

    def share(name: str) -> float:
        return (last_metrics[name] - first_metrics[name]) / wall

    def cpu_share(name: str) -> float:
        return (last_cpu[name] - first_cpu[name]) / (last_cpu["Timestamp"] - first_cpu["Timestamp"])

    statuses = last["statusMessages"] - first["statusMessages"]
    frames = last["frames"] - first["frames"]
    return {
        "selector": selector,
        "load_seconds": load_seconds,
        "wall": wall,
        "busy": share("TaskDuration"),
        "busy_worst_second": max((s["busy"] for s in seconds), default=0.0),
        "cpu": cpu_share("TaskDuration"),
        "cpu_worst_second": max((s["cpu"] for s in seconds), default=0.0),
        "cpu_ms_per_status": (last_cpu["TaskDuration"] - first_cpu["TaskDuration"]) * 1000 / max(1, statuses),
        "script": cpu_share("ScriptDuration"),
        "style": cpu_share("RecalcStyleDuration"),
        "layout": cpu_share("LayoutDuration"),
        "long_tasks": len(long_tasks),
        "longest_task_ms": max((d for _, d in long_tasks), default=0.0),
        "long_task_ms_total": sum(d for _, d in long_tasks),
        "long_task_error": long_error,
        "fps": frames / wall,
        "cpu_ms_per_frame": (last_cpu["TaskDuration"] - first_cpu["TaskDuration"]) * 1000 / max(1, frames),
        "loaded": max(load_before[0], os.getloadavg()[0]) > (os.cpu_count() or 1),
        "max_frame_gap_ms": last["maxFrameGap"],
        "slow_frames": last["slowFrames"] - first["slowFrames"],
        "messages_per_s": (last["messages"] - first["messages"]) / wall,
        "status_per_s": (last["statusMessages"] - first["statusMessages"]) / wall,
        "server_status_per_s": (listener_last - listener_first) / wall,
        "listener_error": listener.error,
        "kib_per_s": (last["bytes"] - first["bytes"]) / wall / 1024,
        "sockets": last["sockets"],
        "cards": last["cards"],
        "changed_per_s": sum(s["changed"] for s in seconds) / max(1, len(seconds)),
        "changed_min": min((s["changed"] for s in seconds), default=0),
        "nodes": last_metrics.get("Nodes", 0),
        "heap_mb": last_metrics.get("JSHeapUsedSize", 0) / 1e6,
        "layouts_per_s": share("LayoutCount"),
        "styles_per_s": share("RecalcStyleCount"),
        "daphne_cpu": daphne_cpu,
        "browser_cpu": browser_cpu,
        "renderer_cpu": renderer_cpu,
        "renderers": len(renderers),
        "load_before": load_before,
        "load_after": load_after,
        "errors": errors,
    }


def rows_of(r: dict, printers: int) -> list[tuple[str, str, str, str]]:
    # Arriving: the page gets what the server sends (an own client of the bench counts that).
    arriving = r["status_per_s"] >= 0.95 * r["server_status_per_s"] and r["status_per_s"] > 0
    # With N updates/s every 16.7 ms frame has a changed card, so an unloaded machine runs up to
    # 60 frames/s: the main-thread CPU one frame costs here (its statuses included) times 60, at most 100 %.
    projected = min(1.0, r["cpu_ms_per_frame"] * 60 / 1000)
    loaded = r["loaded"]
    if loaded:
        # The wall-time share is the renderer waiting for a CPU; judge by CPU time and the projection.
        verdict_busy, basis = max(r["cpu"], projected), "CPU time and the 60 frames/s projection (machine loaded)"
    else:
        verdict_busy, basis = r["busy"], "wall time"
    met = "met" if verdict_busy < TARGET_BUSY else "missed"
    return [
        (
            f"Main thread busy, {printers} printers at 1 update/s (judged by {basis})",
            f"{verdict_busy * 100:.1f} %",
            f"< {TARGET_BUSY * 100:.0f} %",
            met if arriving else f"{met} (but updates missing)",
        ),
        (
            f"Main thread busy in wall time (CDP TaskDuration, timeTicks, / wall time over {r['wall']:.0f} s; includes the"
            " time the OS ran other processes while a task ran)",
            f"{r['busy'] * 100:.1f} % (worst second {r['busy_worst_second'] * 100:.1f} %)",
            "(reported)",
            "-",
        ),
        (
            "Main thread busy in CPU time (CDP TaskDuration, threadTicks, / wall time)",
            f"{r['cpu'] * 100:.1f} % (worst second {r['cpu_worst_second'] * 100:.1f} %); script {r['script'] * 100:.1f} %,"
            f" style {r['style'] * 100:.1f} %, layout {r['layout'] * 100:.1f} %",
            "(reported)",
            "-",
        ),
        (
            "Main-thread CPU per frame / per status message received",
            f"{r['cpu_ms_per_frame']:.1f} ms per frame (x 60 frames/s: {projected * 100:.0f} %);"
            f" {r['cpu_ms_per_status']:.2f} ms per status",
            "(reported)",
            "-",
        ),
        (
            "Long tasks (PerformanceObserver longtask, > 50 ms)",
            f"{r['long_tasks']} ({r['long_task_ms_total']:.0f} ms in all); longest {r['longest_task_ms']:.0f} ms"
            + (f" (observer failed: {r['long_task_error']})" if r["long_task_error"] else ""),
            "(reported)",
            "-",
        ),
        (
            "Frames (requestAnimationFrame)",
            f"{r['fps']:.1f} frames/s; longest gap {r['max_frame_gap_ms']:.0f} ms; {r['slow_frames']} gaps > 50 ms",
            "(reported)",
            "-",
        ),
        (
            "Updates arriving in the page",
            f"{r['status_per_s']:.0f} status messages/s ({r['status_per_s'] / max(1, printers):.2f} per printer; "
            f"{r['messages_per_s']:.0f} messages/s in all, {r['kib_per_s']:.0f} KiB/s, {r['sockets']} socket(s))",
            "as the server sends",
            "yes" if arriving else "no",
        ),
        (
            "Statuses the server sends one /ws/status client (the bench's own, all printers)",
            f"{r['server_status_per_s']:.0f}/s ({r['server_status_per_s'] / max(1, printers):.2f} per printer)"
            + (f"; the client failed: {r['listener_error']}" if r["listener_error"] else ""),
            f"{printers}/s",
            "yes" if r["server_status_per_s"] >= 0.95 * printers else "fewer (server side)",
        ),
        (
            "Cards whose text changed, per second",
            f"{r['changed_per_s']:.0f} of {r['cards']} cards (`{r['selector']}`); fewest in a second {r['changed_min']}",
            "(reported)",
            "-",
        ),
        (
            "Page",
            f"loaded in {r['load_seconds']:.1f} s; {r['nodes']:.0f} DOM nodes; JS heap {r['heap_mb']:.0f} MB; "
            f"{r['styles_per_s']:.1f} style recalcs/s, {r['layouts_per_s']:.1f} layouts/s",
            "(reported)",
            "-",
        ),
        (
            "CPU (share of one core)",
            f"Chromium, all processes {r['browser_cpu'] * 100:.0f} % (the renderer's main thread"
            f" {r['renderer_cpu'] * 100:.1f} % by /proc, {r['renderers']} renderer(s));"
            f" daphne with the embedded bridge {r['daphne_cpu'] * 100:.0f} %",
            "(reported)",
            "-",
        ),
    ]


def write_results(rows, r: dict, args, version: str, write: bool) -> None:
    header = ("measure", "result", "target", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    if r["errors"]:
        print(f"JavaScript errors on the page: {r['errors'][:5]}")
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    chromium = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False).stdout.strip()
    notes = [
        f"Load average before the window {' / '.join(f'{x:.2f}' for x in r['load_before'])}, "
        f"after it {' / '.join(f'{x:.2f}' for x in r['load_after'])}.",
        "Busy = the page's renderer main thread task time (CDP Performance.getMetrics TaskDuration) over the wall time "
        "between the first and the last sample, once as the thread's CPU time (Performance.enable timeDomain "
        "threadTicks: what the page's work costs, whatever else runs) and once in wall time (timeTicks: inflated when "
        "the machine is loaded and the renderer waits for a CPU); the worst second is the largest one-second delta. "
        "The bench's own once-a-second sampling (card texts, counters) is included.",
    ]
    if r["loaded"]:
        notes.append(
            f"The machine was loaded (load average above its {os.cpu_count()} cores): the renderer waited for a CPU"
            " inside its tasks, so the wall-time share is mostly that wait and frames were rare. The verdict takes the"
            " larger of the CPU-time share and the projection: the CPU one frame took here, times 60 frames/s (with"
            " updates every few milliseconds an unloaded machine draws up to 60 frames/s), at most 100 %."
        )
    if r["errors"]:
        notes.append(f"JavaScript errors on the page: {'; '.join(r['errors'][:3])}")
    lines = [
        MARK,
        "## The farm page with many printers (Chromium)",
        "",
        f"`bench/farm_bench.py --printers {args.printers} --seconds {args.seconds}` on "
        f"{datetime.now(UTC).isoformat(timespec='seconds')} ({machine}; {chromium or 'Chromium'} headless, "
        f"1920x1080, through Playwright; one daphne in embedded mode, its bridge sampling {args.printers} demo printers "
        f"once a second over /ws/status, SQLite; everything on 127.0.0.1; settled {args.settle} s"
        + (f"; extra CSS `{args.css}`" if args.css else "")
        + f"; {version}).",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        *(f"- {note}" for note in notes),
        END_MARK,
        "",
    ]
    if not write:
        return
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    before, found, rest = text.partition(MARK)
    if found:
        text = before.rstrip() + "\n" + rest.partition(END_MARK)[2].lstrip("\n")
    results.write_text(text.rstrip() + "\n\n" + "\n".join(lines))
    log("wrote bench/RESULTS.md")


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--printers", type=int, default=200, help="demo printers, each 1 update/s (default 200)")
    parser.add_argument("--seconds", type=int, default=30, help="measured window (default 30)")
    parser.add_argument("--settle", type=int, default=15, help="seconds on the page before the window (default 15)")
    parser.add_argument("--card-selector", help="CSS selector of one printer's card (default: picked from candidates)")
    parser.add_argument("--screenshot", type=Path, help="PNG of the page at the end (default test-artifacts/...)")
    parser.add_argument("--no-screenshot", action="store_true")
    parser.add_argument("--log-level", default="warning", help="LOG_LEVEL of daphne (default warning)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument(
        "--css", help="extra CSS added to the page (to try a change, e.g. '.card{content-visibility:auto}')"
    )
    parser.add_argument(
        "--compare-css",
        action="append",
        default=[],
        help="measure again with this CSS added and add its rows (repeatable; to try a fix)",
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    if args.screenshot is None and not args.no_screenshot:
        args.screenshot = ROOT / "test-artifacts" / "screenshots" / f"farm-bench-{args.printers}.png"
    if args.no_screenshot:
        args.screenshot = None
    signal.signal(signal.SIGTERM, _interrupted)
    version = code_version()
    with tempfile.TemporaryDirectory(prefix="klipperiwc-farm-bench-") as tmp:
        farm = Farm(Path(tmp), args.printers, args.log_level)
        try:
            farm.start()
            result = measure(args, farm, args.css, args.screenshot)
            compared = [measure(args, farm, css) for css in args.compare_css]
        except BaseException:
            tail = farm.log_tail()
            if tail:
                print(f"--- daphne log (end) ---\n{tail}", file=sys.stderr)
            raise
        finally:
            farm.stop()
        errors = [line for line in farm.log_tail(10**7).splitlines() if re.search(r"\b(ERROR|Traceback)\b", line)]
        if errors:
            log(f"daphne logged {len(errors)} error lines, the first: {errors[:3]}")
    rows = rows_of(result, args.printers)
    for css, other in zip(args.compare_css, compared, strict=True):
        head, wall, cpu, per_frame = rows_of(other, args.printers)[:4]
        frames = f"{other['fps']:.1f} frames/s, {other['status_per_s']:.0f} statuses/s arriving"
        rows += [
            (f"With `{css}` added: {head[0][0].lower()}{head[0][1:]}", head[1], head[2], head[3]),
            (
                f"With `{css}` added: wall time / CPU time / per frame",
                f"{wall[1]}; {cpu[1]}; {per_frame[1]}; {frames}",
                "(reported)",
                "-",
            ),
        ]
    write_results(rows, result, args, version, not args.no_write)


if __name__ == "__main__":
    main()
