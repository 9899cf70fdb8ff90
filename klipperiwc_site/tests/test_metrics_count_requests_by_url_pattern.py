"""GET /metrics counts and times requests by URL pattern (never the raw path) and status, as parseable text."""

import pytest

from klipperiwc_site.tests.metrics_scrape import parse, scrape, value

pytestmark = pytest.mark.django_db

PRINTER_ROUTE = "api/printers/<printer_slug:slug>"


def test_requests_are_counted_by_pattern_method_and_status(client):
    before = scrape(client)

    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.get("/api/printers/no-such-printer-a1").status_code == 404
    assert client.get("/api/printers/no-such-printer-b2").status_code == 404
    assert client.get("/no/such/page/c3").status_code == 404
    assert client.post("/healthz").status_code == 405

    response = client.get("/metrics")
    text = response.content.decode()
    after = parse(text)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "klipperiwc_http_requests_total"
    assert moved(requests, route="healthz", method="GET", status="200") == 3
    assert moved(requests, route="healthz", method="POST", status="405") == 1
    # Both unknown printers are one pattern; an unknown URL is "<unmatched>": the label set stays bounded.
    assert moved(requests, route=PRINTER_ROUTE, method="GET", status="404") == 2
    assert moved(requests, route="<unmatched>", method="GET", status="404") == 1
    for raw in ("no-such-printer-a1", "no-such-printer-b2", "/no/such/page"):
        assert raw not in text
    # The scrape before this one was counted too.
    assert moved(requests, route="metrics", method="GET", status="200") == 1

    latency = "klipperiwc_http_request_duration_seconds"
    assert moved(f"{latency}_count", route="healthz", method="GET") == 3
    assert moved(f"{latency}_bucket", route="healthz", method="GET", le="+Inf") == 3
    assert moved(f"{latency}_sum", route="healthz", method="GET") > 0


def test_the_text_is_prometheus_exposition_with_help_and_type(client):
    client.get("/healthz")
    response = client.get("/metrics")

    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    # prometheus_client's own parser reads every family (it raises on anything malformed).
    samples = parse(text)
    names = {name for name, _ in samples}
    for family in (
        "klipperiwc_http_requests_total",
        "klipperiwc_http_request_duration_seconds_bucket",
        "klipperiwc_websocket_connections_open",
        "klipperiwc_status_snapshots_stored_total",
        "klipperiwc_history_prune_runs_total",
        "klipperiwc_printer_metrics_up",
    ):
        assert family in names, family
    assert "# TYPE klipperiwc_http_request_duration_seconds histogram" in text
    assert "# HELP klipperiwc_http_requests_total" in text


def test_a_scraper_asking_for_openmetrics_gets_it(client):
    response = client.get("/metrics", HTTP_ACCEPT="application/openmetrics-text; version=1.0.0")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.decode().rstrip().endswith("# EOF")


def test_other_methods_are_a_json_405(client):
    response = client.post("/metrics")

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed."}
    assert response["Allow"] == "GET, HEAD"
