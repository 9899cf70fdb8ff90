"""python manage.py run_bridge: the bridge as its own process (scaled mode), until SIGTERM or SIGINT."""

import asyncio
import logging
import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from status.bridge.leases import HolderInUse
from status.bridge.runner import Bridge


class Command(BaseCommand):
    help = (
        "Follow every enabled printer (demo printers sampled once a second, Moonraker printers pushing) and "
        "ingest their statuses. Run one or more beside the web processes when REDIS_URL is set; they share "
        "the printers through leases in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--holder", help="A name for this bridge in the lease table (default: host:pid:random).")

    def handle(self, *args, holder=None, **options):
        if settings.BRIDGE_MODE == "web":
            raise CommandError(
                "BRIDGE_MODE=web: the bridge runs inside the web process. Set REDIS_URL (the default then is "
                "BRIDGE_MODE=process) or BRIDGE_MODE=process to run it on its own."
            )
        if not settings.REDIS_URL:
            self.stderr.write(
                "Warning: no REDIS_URL. History and the REST API see what this bridge collects, but live "
                "WebSocket updates reach only clients of this process (none): set REDIS_URL."
            )
        if settings.LOG_FILE != "-" and sys.stdout.isatty():
            # Progress lines go to the terminal as well as LOG_FILE (not twice into a redirected log).
            console = logging.StreamHandler(self.stdout)
            console.setFormatter(logging.Formatter("%(message)s"))
            logging.getLogger("status.bridge").addHandler(console)
        try:
            asyncio.run(self._run(holder))
        except HolderInUse as exc:
            raise CommandError(str(exc)) from None

    async def _run(self, holder):
        bridge = Bridge(holder=holder)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, bridge.stop)
        self.stdout.write(f"Bridge {bridge.holder} running; stop with SIGTERM or Ctrl-C.")
        await bridge.run()
