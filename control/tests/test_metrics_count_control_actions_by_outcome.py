"""Each control call counts in /metrics by action and audited outcome."""

import pytest

from klipperiwc_site.tests.metrics_scrape import scrape, value
from status.models import Printer

ACTIONS = "klipperiwc_control_actions_total"


@pytest.mark.django_db
def test_control_calls_are_counted_by_action_and_outcome(client, control):
    Printer.objects.create(slug="demo-m", name="Demo M", source_kind="demo", source_config={"seed": 1})
    Printer.objects.create(slug="off-m", name="Off M", source_kind="demo", source_config={}, enabled=False)
    before = scrape(client)

    assert control.post("demo-m", "actions/emergency-stop").status_code == 200
    assert control.post("off-m", "actions/pause").status_code == 409  # disabled: rejected
    assert control.post("demo-m", "actions/no-such-action").status_code == 404

    after = scrape(client)

    def moved(**labels):
        return value(after, ACTIONS, **labels) - value(before, ACTIONS, **labels)

    assert moved(action="emergency-stop", outcome="ok") == 1
    assert moved(action="pause", outcome="rejected") == 1
    # An unknown action's name is never a label value: the label set stays bounded.
    assert moved(action="other", outcome="rejected") == 1
    assert not any("no-such-action" in dict(labels).get("action", "") for _, labels in after)
