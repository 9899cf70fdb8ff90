"""Adding, disabling, re-enabling and deleting a printer takes effect in a running bridge within 5 s."""

import pytest

from status.tests.bridge.conftest import wait_for

pytestmark = pytest.mark.slow

CONNECTION = "SELECT c.state FROM printer_connections c JOIN status_printer p ON p.id = c.printer_id WHERE p.slug = %s"


def test_changes_take_effect_without_a_restart(bridge_site):
    _env, db, start_bridge, run_django = bridge_site
    bridge = start_bridge("only")

    def log() -> str:
        return bridge.log_path.read_text()

    wait_for(lambda: db.value(CONNECTION, ("demo",)) == "connected", timeout=15, what="the demo printer followed")

    run_django("from status.models import Printer; Printer.objects.create(slug='added', name='Added')")
    wait_for(lambda: db.value(CONNECTION, ("added",)) == "connected", timeout=5, what="the new printer followed")

    run_django("from status.models import Printer; p = Printer.objects.get(slug='added'); p.enabled = False; p.save()")
    wait_for(lambda: db.value(CONNECTION, ("added",)) == "disabled", timeout=5, what="the printer shown disabled")
    stored = db.value(
        "SELECT COUNT(*) FROM status_history h JOIN status_printer p ON p.id = h.printer_id WHERE p.slug = 'added'"
    )
    wait_for(
        lambda: (
            db.value(
                "SELECT COUNT(*) FROM printer_bridge_leases l JOIN status_printer p ON p.id = l.printer_id "
                "WHERE p.slug = 'added'"
            )
            == 0
        ),
        timeout=2,
        what="its lease given back",
    )

    run_django("from status.models import Printer; p = Printer.objects.get(slug='added'); p.enabled = True; p.save()")
    wait_for(lambda: db.value(CONNECTION, ("added",)) == "connected", timeout=5, what="the printer followed again")
    wait_for(
        lambda: (
            db.value(
                "SELECT COUNT(*) FROM status_history h JOIN status_printer p ON p.id = h.printer_id "
                "WHERE p.slug = 'added'"
            )
            > stored + 1
        ),
        timeout=5,
        what="history growing again",
    )

    run_django("from status.models import Printer; Printer.objects.filter(slug='added').delete()")
    # The rows go with the printer (ON DELETE CASCADE); the bridge's own log says it let go.
    wait_for(lambda: "stops following printer added" in log(), timeout=5, what="the bridge letting go")
    assert db.value(CONNECTION, ("demo",)) == "connected"
