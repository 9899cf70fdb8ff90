from celery import shared_task
from django.conf import settings

from status.printer_services import print_jobs_prune
from status.services import history_prune


@shared_task(name="status.history_prune")
def history_prune_task() -> dict | None:
    """Beat runs this every STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS: status history, then print jobs.

    Each has its own retention (STATUS_HISTORY_RETENTION_DAYS, PRINT_JOB_RETENTION_DAYS; 0 keeps
    everything). None when both keep everything; else the rows removed per table that was pruned.
    """
    result = history_prune()
    pruned: dict = {}
    if result is not None:
        pruned = {
            "cutoff": result.cutoff.isoformat(),
            "status_history": result.status_history,
            "temperature_history": result.temperature_history,
            "job_history": result.job_history,
            "temperature_history_rollup": result.temperature_history_rollup,
        }
    if settings.PRINT_JOB_RETENTION_DAYS > 0:
        pruned["print_jobs"] = print_jobs_prune()
    return pruned or None
