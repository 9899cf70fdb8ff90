"""Settings read the operator's env file (.env, or ENV_FILE); the environment wins."""

import os

import pytest
from django.conf import settings


def test_a_value_from_the_env_file_is_used(settings_under, tmp_path):
    env_file = tmp_path / "hub.env"
    env_file.write_text(
        "# comment\n\nPORT=8123\nexport LOG_LEVEL=warning\nSTATUS_WS_TOKEN='quoted token of 29 characters'\n"
    )

    loaded = settings_under(ENV_FILE=str(env_file))

    assert (loaded["PORT"], loaded["LOG_LEVEL"], loaded["STATUS_WS_TOKEN"]) == (
        8123,
        "WARNING",
        "quoted token of 29 characters",
    )
    assert loaded["ENV_FILE"] == str(env_file)


def test_a_variable_in_the_environment_wins_over_the_file(settings_under, tmp_path):
    env_file = tmp_path / "hub.env"
    env_file.write_text("PORT=8123\nHOST=127.0.0.1\n")

    loaded = settings_under(ENV_FILE=str(env_file), PORT="8124")

    assert (loaded["HOST"], loaded["PORT"]) == ("127.0.0.1", 8124)


def test_an_empty_env_file_variable_reads_no_file(settings_under):
    assert settings_under(ENV_FILE="")["ENV_FILE"] is None


@pytest.mark.parametrize("line", ["PORT = 8123", "just words", "BAD-NAME=1"])
def test_a_malformed_line_is_a_one_line_error_naming_file_and_line(manage, project_env, tmp_path, line):
    env_file = tmp_path / "hub.env"
    env_file.write_text(f"PORT=8123\n# fine\n{line}\n")

    result = manage("check", env=project_env(ENV_FILE=str(env_file)))

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {env_file}, line 3: ")
    assert "is not NAME=value" in lines[0]


def test_an_env_file_that_does_not_exist_is_an_error(manage, project_env, tmp_path):
    result = manage("check", env=project_env(ENV_FILE=str(tmp_path / "missing.env")))

    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"Configuration error: ENV_FILE names {tmp_path / 'missing.env'}, which does not exist; "
        "create it, or set ENV_FILE= for none."
    )


def test_the_test_run_reads_no_env_file():
    # A deployed checkout has a .env (tokens, port): the tests must not see it.
    assert settings.ENV_FILE is None
    assert os.environ["ENV_FILE"] == ""  # inherited by every process a test starts
