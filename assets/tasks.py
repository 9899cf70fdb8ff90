from celery import shared_task
from django.conf import settings

from assets.services import asset_files_sweep


@shared_task(name="assets.files_sweep")
def files_sweep_task() -> dict:
    """Beat runs this every BOARD_ASSET_SWEEP_INTERVAL_SECONDS: files no asset row points to, older than
    BOARD_ASSET_ORPHAN_GRACE_SECONDS, go (what a web process killed mid-upload left)."""
    return {"removed": asset_files_sweep(older_than_seconds=settings.BOARD_ASSET_ORPHAN_GRACE_SECONDS)}
