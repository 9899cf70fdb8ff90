from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run every app's data set-up (the catalogs and defaults an app ships). "
        "An app takes part by giving its AppConfig a setup_data(*, stdout) method; "
        "each must be safe to run again."
    )

    def handle(self, *args, **options):
        participants = [config for config in apps.get_app_configs() if hasattr(config, "setup_data")]
        if not participants:
            self.stdout.write("No app has data to set up.")
            return
        for position, config in enumerate(participants, start=1):
            self.stdout.write(f"[{position}/{len(participants)}] {config.label}: setting up data ...")
            config.setup_data(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Data set-up done for {len(participants)} app(s)."))
