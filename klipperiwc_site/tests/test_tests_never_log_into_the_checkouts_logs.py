"""A test run in a checkout that is also deployed leaves the deployment's logs/app.log alone."""

import logging
import os
from pathlib import Path

import pytest
from django.conf import settings

from conftest import PROJECT_ROOT


def _state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def test_no_log_handler_writes_under_logs():
    assert settings.LOG_FILE == "-"
    logs = PROJECT_ROOT / "logs"
    for handler in logging.getLogger().handlers:
        filename = getattr(handler, "baseFilename", None)
        assert filename is None or not Path(filename).is_relative_to(logs), filename


@pytest.mark.django_db
def test_errors_logged_during_tests_do_not_reach_logs_app_log(client):
    app_log = PROJECT_ROOT / "logs" / "app.log"
    before = _state(app_log)

    logging.getLogger("django.request").error("Internal Server Error: /api/test-explode (a test's error)")
    logging.getLogger("klipperiwc_site").critical("database unreachable (a test's error)")
    assert client.get("/api/no-such-endpoint").status_code == 404

    assert _state(app_log) == before
    assert os.environ["LOG_FILE"] == "-"  # and the processes tests start inherit it
