"""The Celery app: worker and beat both load it with ``-A klipperiwc_site``.

Configuration, including the beat schedule, comes from settings.py
(CELERY_* names).
"""

import os
import sys
from pathlib import Path

from celery import Celery

from klipperiwc_site.config import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klipperiwc_site.settings")

app = Celery("klipperiwc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _started_by_celery_command() -> bool:
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return program.name == "celery" or program.parent.name == "celery"


if _started_by_celery_command():
    # Load the settings now, so a bad environment stops the worker with one
    # line instead of a traceback from deep inside Celery's start-up. Other
    # importers (Django itself) load settings lazily as usual.
    with exit_on_config_error():
        app.conf.broker_url  # noqa: B018
