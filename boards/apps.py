from django.apps import AppConfig


class BoardsConfig(AppConfig):
    """The controller board catalog and the board designer."""

    name = "boards"

    def setup_data(self, *, stdout):
        """Part of `manage.py setup_app_data` (deploy.sh, the Docker image): load the board catalog."""
        from django.core.management.base import CommandError
        from django.core.management.color import color_style

        from boards.management.commands.sync_boards import sync_board_catalog
        from boards.validation import DEFINITIONS_DIR

        report = sync_board_catalog(directory=DEFINITIONS_DIR, stdout=stdout, style=color_style())
        if report.invalid:
            raise CommandError(f"{len(report.invalid)} board definition(s) are invalid; see above.")
