from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from status.printer_services import print_jobs_prune
from status.services import history_prune


class Command(BaseCommand):
    help = (
        "Delete status history older than the retention period (STATUS_HISTORY_RETENTION_DAYS), in batches, "
        "and print jobs that ended longer ago than PRINT_JOB_RETENTION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of STATUS_HISTORY_RETENTION_DAYS; 0 keeps everything.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be removed.")
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Status rows (and print jobs) per transaction."
        )
        parser.add_argument(
            "--print-job-days",
            type=int,
            default=None,
            help="Keep print jobs that ended within this many days instead of PRINT_JOB_RETENTION_DAYS; 0 keeps all.",
        )

    def handle(self, *args, days, dry_run, batch_size, print_job_days, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 (keep everything) or more.")
        if print_job_days is not None and print_job_days < 0:
            raise CommandError("--print-job-days must be 0 (keep everything) or more.")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.prune_history(days=days, dry_run=dry_run, batch_size=batch_size)
        self.prune_print_jobs(days=print_job_days, dry_run=dry_run, batch_size=batch_size)

    def prune_print_jobs(self, *, days, dry_run, batch_size):
        keep = settings.PRINT_JOB_RETENTION_DAYS if days is None else days
        if keep <= 0:
            source = "--print-job-days" if days is not None else "PRINT_JOB_RETENTION_DAYS"
            self.stdout.write(f"{source} is 0: print jobs are kept forever.")
            return
        removed = print_jobs_prune(older_than_days=keep, batch_size=batch_size, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {removed} print jobs that ended more than {keep} days ago.")

    def prune_history(self, *, days, dry_run, batch_size):
        keep = settings.STATUS_HISTORY_RETENTION_DAYS if days is None else days
        if keep <= 0:
            # 0 means "keep everything", for the option as for the setting.
            source = "--days" if days is not None else "STATUS_HISTORY_RETENTION_DAYS"
            self.stdout.write(f"{source} is 0: history is kept forever; nothing to do.")
            return

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            self.stdout.write(f"  {done}/{total} status rows removed ({percent}%)")

        result = history_prune(older_than_days=keep, batch_size=batch_size, dry_run=dry_run, progress=progress)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"History before {result.cutoff.isoformat()} ({keep} days):")
        for table in ("status_history", "temperature_history", "job_history", "temperature_history_rollup"):
            self.stdout.write(f"  {verb} {getattr(result, table)} rows from {table}")
        self.stdout.write(self.style.SUCCESS(f"{verb} {result.total} rows in all."))
