from celery import shared_task

from status.services import history_prune


@shared_task(name="status.history_prune")
def history_prune_task() -> dict | None:
    """Beat runs this every STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS."""
    result = history_prune()
    if result is None:
        return None
    return {
        "cutoff": result.cutoff.isoformat(),
        "status_history": result.status_history,
        "temperature_history": result.temperature_history,
        "job_history": result.job_history,
        "temperature_history_rollup": result.temperature_history_rollup,
    }
