"""Reading GET /metrics in tests: the text parsed with prometheus_client's own parser."""

from __future__ import annotations

import urllib.request

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset], float]


def parse(text: str) -> Samples:
    """{(sample name, labels): value}; raises if the text is not valid Prometheus exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 for a sample not (yet) exposed, as a counter that never moved."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def scrape(client, **headers) -> Samples:
    """GET /metrics through Django's test client."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return parse(response.content.decode())


def scrape_url(base_url: str, *, token: str | None = None) -> Samples:
    """GET base_url/metrics from a running server."""
    request = urllib.request.Request(f"{base_url}/metrics")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return parse(response.read().decode())
