"""A bad value stops start-up with one line naming the variable, not a traceback."""

import sys

import pytest

from conftest import PROJECT_ROOT

BAD_VALUES = [
    ("DATABASE_URL", "foo://x", "sqlite:///"),
    ("LOG_LEVEL", "loud", "debug, info, warning, error, critical"),
    ("PORT", "abc", "1 to 65535"),
    ("PORT", "70000", "1 to 65535"),
    ("APP_ENV", "prod", "development, production"),
    ("REDIS_URL", "http://127.0.0.1:6379", "redis://"),
    ("CELERY_BROKER_URL", "sqs://x", "filesystem"),
    ("CSRF_TRUSTED_ORIGINS", "hub.example.com", "https://example.com"),
    ("SECRET_KEY", "short", "32"),
    ("ALLOWED_HOSTS", "", "or use *"),
    ("LOG_FILE", "/proc/no-such-dir/app.log", "- for the console"),
    ("STATUS_HISTORY_MIN_INTERVAL_MS", "-5", "at least 0"),
    ("WEB_REQUEST_THREADS", "0", "1 to 256"),
    ("WEB_PROCESSES", "0", "1 to 64"),
    ("WEB_PROCESSES", "2", "needs REDIS_URL"),
    ("BOARD_ASSET_STORAGE_BACKEND", "ftp", "local, s3"),
    ("BOARD_ASSET_MAX_BYTES", "0", "at least 1"),
    ("BOARD_ASSET_UPLOAD_TOKEN", "short", "at least 16"),
    ("BOARD_ASSET_LOCAL_PUBLIC_URL", "assets.example.com", "https://"),
    ("BOARD_ASSET_SIGNED_URL_SECONDS", "5", "10 to 604800"),
    ("AUTH_FAILURE_LIMIT", "0", "at least 1"),
    ("AUTH_LOCKOUT_SECONDS", "soon", "1 to 2592000"),
]


@pytest.mark.parametrize(("variable", "value", "allowed"), BAD_VALUES)
def test_manage_py_stops_with_one_line_naming_the_variable(manage, project_env, variable, value, allowed):
    result = manage("check", env=project_env(**{variable: value}))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}")
    assert allowed in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "daphne", "klipperiwc_site.asgi:application"],
        [sys.executable, "-m", "celery", "-A", "klipperiwc_site", "worker"],
    ],
    ids=["daphne", "celery"],
)
def test_servers_stop_with_one_line_naming_the_variable(project_env, command):
    import subprocess

    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=project_env(PORT="abc"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: PORT='abc' is not a whole number; use a whole number from 1 to 65535."
    ]


def test_s3_storage_needs_a_bucket(manage, project_env):
    result = manage("check", env=project_env(BOARD_ASSET_STORAGE_BACKEND="s3"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: BOARD_ASSET_STORAGE_BACKEND=s3 needs BOARD_ASSET_S3_BUCKET (the bucket name)."
    )


def test_the_two_board_asset_tokens_must_differ_and_are_never_printed(manage, project_env):
    token = "the-same-secret-token-123456"
    result = manage("check", env=project_env(BOARD_ASSET_UPLOAD_TOKEN=token, BOARD_ASSET_MODERATION_TOKEN=token))
    assert result.returncode == 2
    assert "use two different tokens" in result.stderr
    assert token not in result.stderr
