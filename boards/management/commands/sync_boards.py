import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from boards.services import boards_sync
from boards.validation import DEFINITIONS_DIR


class Command(BaseCommand):
    help = (
        "Load the board definitions (boards/definitions/<manufacturer>/<board-id>.json) into the catalog. "
        "Safe to run again; exits with status 1 when a file is invalid (its problems are listed with their "
        "JSON paths) and leaves that board's earlier version in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=DEFINITIONS_DIR, help="folder of definitions to load")

    def handle(self, *args, dir: Path, **options):
        if not dir.is_dir():
            self.stderr.write(f"sync_boards: {dir} is not a folder.")
            sys.exit(2)
        report = sync_board_catalog(directory=dir, stdout=self.stdout, style=self.style)
        if report.invalid:
            self.stderr.write(f"sync_boards: {len(report.invalid)} invalid definition(s); see above.")
            sys.exit(1)


def sync_board_catalog(*, directory: Path, stdout, style):
    """boards_sync with a line per file and a summary; used by this command and by setup_app_data."""

    def progress(position: int, total: int, relative: str, outcome: str) -> None:
        stdout.write(f"[{position}/{total}] {relative}: {outcome}")

    report = boards_sync(directory=directory, progress=progress)
    for relative, errors in report.invalid.items():
        stdout.write(style.ERROR(f"{relative} is invalid:"))
        for error in errors:
            stdout.write(f"    {error.path or '/'}: {error.message}")
    for board_id in report.removed:
        stdout.write(f"removed {board_id} (its file is gone)")
    for board_id in report.merged:
        stdout.write(f"{board_id}: the repository file replaces the community board (its submission is merged)")
    stdout.write((style.ERROR if report.invalid else style.SUCCESS)(f"Board catalog: {report.summary()}."))
    return report
