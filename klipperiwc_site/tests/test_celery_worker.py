"""A task travels through a real broker to a real worker process and back."""

import subprocess
import sys
import time

import pytest

from conftest import PROJECT_ROOT, stop_process


@pytest.fixture
def start_worker(project_env, unique_name):
    """Start `celery worker` consuming a queue of its own; returns (queue, env)."""
    workers = []

    def start(**overrides):
        env = project_env(**overrides)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "klipperiwc_site",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "info",
                "--queues",
                unique_name,
                "--hostname",
                f"{unique_name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        workers.append(process)
        return unique_name, env

    yield start
    for process in workers:
        stop_process(process)


def _ping(manage, queue, env):
    started = time.monotonic()
    result = manage("ping_worker", "--queue", queue, "--timeout", "45", env=env, timeout=90)
    return result, time.monotonic() - started


@pytest.mark.slow
def test_a_worker_answers_through_the_embedded_filesystem_broker(start_worker, manage):
    queue, env = start_worker(CELERY_BROKER_URL=None, CELERY_RESULT_BACKEND=None)
    result, _ = _ping(manage, queue, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pong from" in result.stdout


@pytest.mark.slow
@pytest.mark.requires_redis
def test_a_worker_answers_through_redis(start_worker, manage, redis_url):
    queue, env = start_worker(CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=None)
    result, _ = _ping(manage, queue, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pong from" in result.stdout


def test_ping_worker_fails_clearly_when_no_worker_listens(manage, project_env, unique_name):
    result = manage("ping_worker", "--queue", unique_name, "--timeout", "2", env=project_env(CELERY_BROKER_URL=None))
    assert result.returncode == 1
    assert "No worker answered within 2 s." in result.stderr
