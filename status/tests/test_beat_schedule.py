"""Celery beat's schedule comes from the environment."""


def test_the_prune_runs_every_cleanup_interval(settings_under):
    loaded = settings_under(STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS="120", STATUS_HISTORY_RETENTION_DAYS="7")
    assert loaded["CELERY_BEAT_SCHEDULE"]["status-history-prune"] == {
        "task": "status.history_prune",
        "schedule": 120.0,
    }
    assert loaded["STATUS_HISTORY_RETENTION_DAYS"] == 7


def test_the_defaults_are_hourly_and_thirty_days(settings_under):
    loaded = settings_under()
    assert loaded["CELERY_BEAT_SCHEDULE"]["status-history-prune"]["schedule"] == 3600.0
    assert loaded["STATUS_HISTORY_RETENTION_DAYS"] == 30
    assert loaded["STATUS_HISTORY_MIN_INTERVAL_MS"] == 1000


def test_an_interval_below_a_minute_stops_start_up(manage, project_env):
    result = manage("check", env=project_env(STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS="59"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: STATUS_HISTORY_CLEANUP_INTERVAL_SECONDS=59 is out of range; "
        "use a whole number of at least 60."
    )


def test_a_negative_retention_stops_start_up(manage, project_env):
    result = manage("check", env=project_env(STATUS_HISTORY_RETENTION_DAYS="-1"))
    assert result.returncode == 2
    assert "STATUS_HISTORY_RETENTION_DAYS=-1 is out of range" in result.stderr


def test_the_worker_knows_the_task():
    from klipperiwc_site.celery import app

    app.loader.import_default_modules()
    assert "status.history_prune" in app.tasks


def test_the_worker_knows_the_board_asset_sweep(settings_under):
    from klipperiwc_site.celery import app

    app.loader.import_default_modules()
    assert "assets.files_sweep" in app.tasks
    assert settings_under()["CELERY_BEAT_SCHEDULE"]["board-asset-files-sweep"] == {
        "task": "assets.files_sweep",
        "schedule": 3600.0,
    }
