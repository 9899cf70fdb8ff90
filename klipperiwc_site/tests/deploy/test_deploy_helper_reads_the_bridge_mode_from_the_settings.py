"""deploy.sh learns BRIDGE_MODE from the settings (its default follows
REDIS_URL), never from bash, and refuses BRIDGE_PROCESSES it would not start."""

import shlex
import subprocess
import sys

import pytest

from conftest import PROJECT_ROOT

SECRET = "deploy-helper-test-key-0123456789-abcdefghijklmnop"


def _config(project_env, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.deploy_helper", "config"],
        cwd=PROJECT_ROOT,
        env=project_env(SECRET_KEY=SECRET, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _values(result: subprocess.CompletedProcess) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    return {
        name: shlex.split(value)[0] for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


@pytest.mark.parametrize(
    ("env", "mode", "processes"),
    [
        ({}, "web", "1"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "process", "1"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0", "BRIDGE_PROCESSES": "3"}, "process", "3"),
        ({"BRIDGE_MODE": "process", "BRIDGE_PROCESSES": "2"}, "process", "2"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0", "BRIDGE_MODE": "web"}, "web", "1"),
    ],
)
def test_the_mode_and_the_number_of_bridges_come_from_the_settings(project_env, env, mode, processes):
    values = _values(_config(project_env, **env))

    assert (values["BRIDGE_MODE"], values["BRIDGE_PROCESSES"]) == (mode, processes)


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"BRIDGE_PROCESSES": "2"}, "Configuration error: BRIDGE_PROCESSES=2 needs BRIDGE_MODE=process"),
        ({"BRIDGE_PROCESSES": "0"}, "Configuration error: BRIDGE_PROCESSES="),
        ({"BRIDGE_MODE": "sometimes"}, "Configuration error: BRIDGE_MODE="),
    ],
)
def test_a_bridge_setting_it_cannot_follow_is_a_configuration_error(project_env, env, error):
    result = _config(project_env, **env)

    assert result.returncode == 2, result.stdout
    assert result.stderr.splitlines()[0].startswith(error), result.stderr
