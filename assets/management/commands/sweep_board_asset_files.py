from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets.services import asset_files_sweep


class Command(BaseCommand):
    help = (
        "Remove stored board-asset files that no asset row points to (left by a web process killed "
        "mid-upload), untouched for BOARD_ASSET_ORPHAN_GRACE_SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Only files untouched for this many seconds (default BOARD_ASSET_ORPHAN_GRACE_SECONDS); "
            "0 takes every file without a row, also one an upload is storing right now.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be removed.")

    def handle(self, *args, older_than, dry_run, **options):
        grace = settings.BOARD_ASSET_ORPHAN_GRACE_SECONDS if older_than is None else older_than
        if grace < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        self.stdout.write(f"Looking for board-asset files without a row, untouched for {grace} s or more…")
        names = asset_files_sweep(older_than_seconds=grace, dry_run=dry_run)
        for name in names:
            self.stdout.write(f"  {'would remove' if dry_run else 'removed'} {name}")
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} {len(names)} file(s) without a row.")
