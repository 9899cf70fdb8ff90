"""GET /api/status still answers when the history cannot be written."""

import pytest
from django.db import OperationalError

from status import services
from status.models import StatusSnapshot

pytestmark = pytest.mark.django_db


def test_the_status_is_answered_and_the_failure_logged(client, monkeypatch, caplog):
    def broken(**kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(services, "snapshots_record", broken)
    response = client.get("/api/status")
    assert response.status_code == 200
    assert response.json()["printer"] == "demo"
    assert StatusSnapshot.objects.count() == 0
    assert "Could not store the status of printer demo" in caplog.text
