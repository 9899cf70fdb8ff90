"""STATUS_WS_TOKEN needs at least 16 characters, like every other token: a shorter one stops
start-up with one line naming it; 16 characters start."""

import subprocess
import sys

import pytest

from conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_a_short_status_token_stops_start_up(manage, project_env):
    result = manage("check", env=project_env(STATUS_WS_TOKEN="x" * 15))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: STATUS_WS_TOKEN is 15 characters long; use at least 16 random characters "
        "(like every other token), or leave it unset for an open /ws/status."
    ]
    assert "x" * 15 not in result.stderr


def test_sixteen_characters_are_accepted(project_env):
    # Only the settings module: that is where the length is checked (a full `check` takes seconds).
    result = subprocess.run(
        [sys.executable, "-c", "from klipperiwc_site import settings; print(len(settings.STATUS_WS_TOKEN))"],
        cwd=PROJECT_ROOT,
        env=project_env(STATUS_WS_TOKEN="y" * 16),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "16"), result.stderr
