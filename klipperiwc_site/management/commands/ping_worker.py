import time

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.management.base import BaseCommand, CommandError

from klipperiwc_site.tasks import ping


class Command(BaseCommand):
    help = "Send a ping task through the Celery broker and wait for a worker to answer it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait (default 30).")
        parser.add_argument("--queue", default=None, help="Queue to send to (default: Celery's default queue).")

    def handle(self, *args, timeout, queue, **options):
        started = time.monotonic()
        self.stdout.write(f"Sending klipperiwc.ping, waiting up to {timeout:g} s for a worker ...")
        result = ping.apply_async(queue=queue) if queue else ping.apply_async()
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeoutError:
            raise CommandError(f"No worker answered within {timeout:g} s.") from None
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"pong from {answer['worker']} (pid {answer['pid']}) after {elapsed:.2f} s")
        )
