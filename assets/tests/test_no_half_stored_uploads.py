"""A failed store leaves no row; a failed database write leaves no file."""

import pytest
from django.db import DatabaseError

from assets import services
from assets.models import BoardAsset, ModerationEvent
from assets.tests.conftest import stored_files


class BrokenStorage:
    def __init__(self, real, *, fail_on_call: int):
        self.real, self.calls, self.fail_on_call = real, 0, fail_on_call

    def save(self, name, content):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise OSError(28, "No space left on device")
        return self.real.save(name, content)

    def delete(self, name):
        return self.real.delete(name)


@pytest.mark.parametrize("fail_on_call", [1, 2], ids=["original", "thumbnail"])
def test_a_storage_failure_leaves_no_row_and_no_file(api, asset_storage_dir, monkeypatch, fail_on_call):
    broken = BrokenStorage(services.storage.asset_storage(), fail_on_call=fail_on_call)
    monkeypatch.setattr(services.storage, "asset_storage", lambda: broken)

    response = api.upload()

    assert response.status_code == 503
    assert "nothing was kept" in response.json()["detail"]
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []


def test_a_database_failure_removes_the_stored_files(api, asset_storage_dir, monkeypatch):
    def broken_create(**kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(ModerationEvent.objects, "create", broken_create)

    response = api.upload()

    assert response.status_code == 503
    assert BoardAsset.objects.count() == 0  # the asset row rolled back with the event
    assert stored_files(asset_storage_dir) == []
