from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from klipperiwc_site.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Copy this instance while it runs into DEST (a new or empty folder): the database (SQLite's backup API "
        "or pg_dump), the files of the local storages (board assets, printer thumbnails) and manifest.json "
        "with row counts and checksums. `manage.py restore DEST` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="A folder that does not exist yet or is empty.")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup_create(destination=destination, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        database = manifest["database"]
        files = sum(len(storage["files"]) for storage in manifest["storages"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {destination}: {database['vendor']} database "
                f"({sum(database['tables'].values())} rows in {len(database['tables'])} tables), {files} file(s)."
            )
        )
        for alias, why in manifest["storages_not_copied"].items():
            self.stderr.write(self.style.WARNING(f"Storage {alias!r} was not copied: {why}."))
