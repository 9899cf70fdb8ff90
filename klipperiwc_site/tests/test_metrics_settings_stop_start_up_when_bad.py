"""A short METRICS_TOKEN or a PROMETHEUS_MULTIPROC_DIR that cannot be made stops start-up with one line."""

import pytest


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("METRICS_TOKEN", "short", "at least 16"),
        ("PROMETHEUS_MULTIPROC_DIR", "/proc/no-such-dir/metrics", "writable folder"),
    ],
)
def test_start_up_stops_naming_the_variable(manage, project_env, variable, value, named):
    result = manage("check", env=project_env(**{variable: value}))

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert named in lines[0]
    assert "short" not in lines[0] or variable != "METRICS_TOKEN"
