"""The web server: WEB_PROCESSES daphne processes sharing one listening socket.

    python -m klipperiwc_site.web [-b HOST] [-p PORT] [--processes N]

One daphne process runs Python on one core (about 900 GET /api/status per
second here), so a machine with more cores needs more processes. This
launcher opens one listening socket per child, all on HOST:PORT with
SO_REUSEPORT, and starts a daphne child on each (daphne's ``--fd``); the
kernel spreads new connections evenly over the sockets. (With one shared
socket, the first process to wake up accepted a whole burst of connections
and the others sat idle.) It restarts a child that dies, on the same socket,
gives up (exit 1) when children keep dying right after start, and on SIGTERM
or SIGINT stops them all.

Defaults come from the settings (HOST, PORT, WEB_PROCESSES,
TRUST_PROXY_HEADERS), so a bad value stops here with one line naming it.
More than one process needs REDIS_URL (settings.py says why).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

ASGI_APPLICATION = "klipperiwc_site.asgi:application"
# A child that dies sooner than this after its start counts as a failed start;
# this many failed starts in a row and the launcher gives up.
QUICK_EXIT_SECONDS = 10.0
MAX_QUICK_EXITS = 5
STOP_TIMEOUT_SECONDS = 10.0


def metrics_process_dead(pid: int) -> None:
    """Drop a dead child's live gauges (its open WebSocket connections), as prometheus-client's docs ask."""
    from klipperiwc_site.metrics import process_dead  # imported by main() before any child starts

    process_dead(pid)


def log(message: str) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    print(f"{stamp} web: {message}", file=sys.stderr, flush=True)


def listening_sockets(host: str, port: int, count: int, *, backlog: int = 1024) -> list[socket.socket]:
    """``count`` IPv4 sockets listening on host:port together (SO_REUSEPORT), inheritable by children."""
    address = socket.getaddrinfo(host, port, family=socket.AF_INET, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address[0][4])
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def daphne_command(*, listen: list[str], proxy_headers: bool) -> list[str]:
    command = [sys.executable, "-m", "daphne", *listen]
    if proxy_headers:
        command.append("--proxy-headers")
    return [*command, ASGI_APPLICATION]


@dataclass
class Child:
    process: subprocess.Popen
    started: float = field(default_factory=time.monotonic)


class Supervisor:
    """Keeps one daphne child per slot; a slot is (command, file descriptor it inherits or None)."""

    def __init__(self, slots: list[tuple[list[str], int | None]]) -> None:
        self.slots = slots
        self.children: dict[int, Child] = {}
        self.stopping = False
        self.quick_exits = 0

    def spawn(self, slot: int) -> Child:
        command, fd = self.slots[slot]
        inherit = () if fd is None else (fd,)
        child = Child(subprocess.Popen(command, pass_fds=inherit))  # noqa: S603 -- our own argv
        self.children[slot] = child
        return child

    def request_stop(self, signum: int, _frame) -> None:
        if not self.stopping:
            log(f"{signal.Signals(signum).name}: stopping {len(self.children)} daphne process(es)")
        self.stopping = True

    def run(self) -> int:
        for slot in range(len(self.slots)):
            self.spawn(slot)
        log(f"started {len(self.slots)} daphne process(es): pids {', '.join(self.pids())}")
        while not self.stopping:
            time.sleep(0.2)
            for slot, child in list(self.children.items()):
                code = child.process.poll()
                if code is None or self.stopping:
                    continue
                lived = time.monotonic() - child.started
                self.quick_exits = self.quick_exits + 1 if lived < QUICK_EXIT_SECONDS else 0
                if self.quick_exits >= MAX_QUICK_EXITS:
                    del self.children[slot]
                    log(f"daphne keeps exiting right after start (last exit status {code}); giving up")
                    self.stop()
                    return 1
                replacement = self.spawn(slot)
                metrics_process_dead(child.process.pid)  # after the spawn: the replacement comes first
                log(
                    f"daphne pid {child.process.pid} exited with status {code} after {lived:.0f} s; "
                    f"started pid {replacement.process.pid}"
                )
        self.stop()
        return 0

    def pids(self) -> list[str]:
        return [str(child.process.pid) for child in self.children.values()]

    def stop(self) -> None:
        for child in self.children.values():
            if child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children.values():
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"daphne pid {child.process.pid} did not stop in {STOP_TIMEOUT_SECONDS:.0f} s; killing it")
                child.process.kill()
                child.process.wait()
            metrics_process_dead(child.process.pid)
        self.children.clear()


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klipperiwc_site.settings")
    from klipperiwc_site.config import exit_on_config_error

    with exit_on_config_error():
        from django.conf import settings

        settings.WEB_PROCESSES  # noqa: B018 -- loads (and checks) the settings now
    import klipperiwc_site.metrics  # noqa: F401 -- now, not when the first child dies (it would delay the restart)

    parser = argparse.ArgumentParser(prog="python -m klipperiwc_site.web", description=__doc__.split("\n")[0])
    parser.add_argument("-b", "--bind", default=settings.HOST, help="address to listen on (HOST)")
    parser.add_argument("-p", "--port", type=int, default=settings.PORT, help="port to listen on (PORT)")
    parser.add_argument(
        "--processes", type=int, default=settings.WEB_PROCESSES, help="daphne processes (WEB_PROCESSES)"
    )
    args = parser.parse_args(argv)
    if args.processes > 1 and not settings.REDIS_URL:
        parser.error("more than one process needs REDIS_URL (see WEB_PROCESSES in the README)")
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    proxy_headers = settings.TRUST_PROXY_HEADERS
    slots: list[tuple[list[str], int | None]]  # (command, file descriptor of the socket it inherits)
    if args.processes == 1:
        # One process binds the address itself, IPv4 or IPv6.
        slots = [(daphne_command(listen=["-b", args.bind, "-p", str(args.port)], proxy_headers=proxy_headers), None)]
    else:
        try:
            sockets = listening_sockets(args.bind, args.port, args.processes)
        except socket.gaierror:
            # Twisted's "fd:" endpoint adopts IPv4 sockets only.
            parser.error(f"more than one process needs an IPv4 address to listen on, not {args.bind}")
        except OSError as exc:
            log(f"cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}")
            return 1
        slots = [
            (daphne_command(listen=["--fd", str(sock.fileno())], proxy_headers=proxy_headers), sock.fileno())
            for sock in sockets
        ]
    supervisor = Supervisor(slots)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, supervisor.request_stop)
    log(f"serving {args.bind}:{args.port}")
    return supervisor.run()


if __name__ == "__main__":
    raise SystemExit(main())
