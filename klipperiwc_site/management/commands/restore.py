from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klipperiwc_site.backup import BackupError, restore_run


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this instance, which must be stopped. Every checksum "
        "is verified before anything is changed; a database that already holds data is refused unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The folder `manage.py backup` wrote.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the database even though it already holds data."
        )

    def handle(self, *args, source, force, **options):
        try:
            manifest = restore_run(source=source, force=force, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created_at']} from {source}."))
        for alias in manifest.get("storages_not_copied", {}):
            self.stderr.write(
                self.style.WARNING(f"Storage {alias!r} was not in the backup (not local); restore its bucket yourself.")
            )
