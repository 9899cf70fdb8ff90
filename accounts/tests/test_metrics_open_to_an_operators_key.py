"""With METRICS_TOKEN set, /metrics also opens to an operator's personal key, not to other people's."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_operators_key_reads_metrics_and_a_contributors_is_refused(client, settings, person):
    settings.METRICS_TOKEN = "metrics-token-for-tests-0123456789"
    olga, carl = person("olga", "operators"), person("carl", "contributors")

    operator = client.get("/metrics", **olga.bearer)
    contributor = client.get("/metrics", **carl.bearer)

    assert operator.status_code == 200
    assert b"# TYPE" in operator.content
    assert contributor.status_code == 403
    assert "operators" in contributor.json()["detail"]
