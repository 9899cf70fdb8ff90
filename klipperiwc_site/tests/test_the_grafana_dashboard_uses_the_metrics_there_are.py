"""docs/grafana-dashboard.json queries only metrics /metrics exposes, and shows every family it exposes."""

import json
import re

import pytest
from django.utils import timezone
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.parser import text_string_to_metric_families

from conftest import PROJECT_ROOT
from klipperiwc_site import metrics
from status.models import PrinterConnection
from status.services import LatestStatus, latest_keep_many
from status.tests.factories import make_printer, make_status

DASHBOARD = PROJECT_ROOT / "docs" / "grafana-dashboard.json"
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum")


def queries(dashboard: dict) -> list[str]:
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


@pytest.mark.django_db
def test_every_query_names_an_exposed_metric_and_every_family_is_shown(client):
    now = timezone.now()
    printer = make_printer("mk-dash", source_kind="moonraker", moonraker_url="http://127.0.0.1:7125")
    latest_keep_many(entries={printer.pk: LatestStatus(status=make_status(now), reported_at=now)})
    PrinterConnection.objects.create(printer=printer, state="connected", since=now, bridge="")
    client.get("/healthz")
    # The counted families (defined in metrics.py; a labelled one shows in a scrape once it moved)
    # and the per-printer ones the collector adds to a scrape.
    ours = {
        described.name
        for metric in vars(metrics).values()
        if isinstance(metric, MetricWrapperBase)
        for described in metric.describe()
    }
    scraped = text_string_to_metric_families(client.get("/metrics").content.decode())
    ours |= {family.name for family in scraped if family.name.startswith("klipperiwc_")}
    assert {"klipperiwc_printer_temperature_celsius", "klipperiwc_bridge_connection_state"} <= ours
    dashboard = json.loads(DASHBOARD.read_text())

    used = {name for expr in queries(dashboard) for name in re.findall(r"\bklipperiwc_[a-z_]+", expr)}

    known = {family + suffix for family in ours for suffix in SUFFIXES}
    assert not used - known, f"the dashboard queries metrics /metrics does not have: {sorted(used - known)}"
    unshown = {family for family in ours if not any(family + suffix in used for suffix in SUFFIXES)}
    assert not unshown, f"families no panel shows: {sorted(unshown)}"
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}", panel["title"]
            assert panel["targets"], panel["title"]
    assert dashboard["__inputs"][0]["pluginId"] == "prometheus"
