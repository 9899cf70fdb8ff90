"""Keeps a test run away from a deployed checkout's configuration and logs.

Loaded with ``-p klipperiwc_site.pytest_isolation`` (pyproject.toml's addopts),
so it runs before pytest-django loads the settings: conftest.py files come too
late for that. A checkout that is also deployed has a ``.env`` (tokens, port)
and a ``logs/app.log``; tests must neither read the one nor write the other.

- ``ENV_FILE=""``: no env file, for the test process and, since subprocesses
  inherit the environment (conftest.py's project_env), for every process a
  test starts. A test that wants an env file names one.
- ``LOG_FILE=-``: the test process logs to the console, which pytest captures
  per test (shown with a failure); never into logs/.
- ``PROMETHEUS_MULTIPROC_DIR``: a folder of the run's own (removed at its end), so the
  test process never counts into a deployed checkout's var/metrics. Subprocesses get one
  per test from conftest.py's project_env.
"""

import atexit
import os
import shutil
import tempfile

os.environ["ENV_FILE"] = ""
os.environ["LOG_FILE"] = "-"
os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="klipperiwc-test-metrics-")
atexit.register(shutil.rmtree, os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
