"""A key's last use is recorded, at most once a minute (a busy client writes no row per request)."""

from datetime import timedelta

import pytest

from accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def test_the_first_use_sets_last_used_and_uses_within_the_minute_leave_it(client, person):
    olga = person("olga", "operators")
    assert olga.key_row.last_used_at is None

    client.post("/api/printers/demo/actions/restart", **olga.bearer)
    first = ApiKey.objects.get(pk=olga.key_row.pk).last_used_at
    client.post("/api/printers/demo/actions/firmware-restart", **olga.bearer)
    second = ApiKey.objects.get(pk=olga.key_row.pk).last_used_at

    assert first is not None
    assert second == first


def test_a_use_after_a_minute_moves_it(client, person):
    olga = person("olga", "operators")
    client.post("/api/printers/demo/actions/restart", **olga.bearer)
    earlier = ApiKey.objects.get(pk=olga.key_row.pk).last_used_at - timedelta(minutes=2)
    ApiKey.objects.filter(pk=olga.key_row.pk).update(last_used_at=earlier)

    client.post("/api/printers/demo/actions/firmware-restart", **olga.bearer)

    assert ApiKey.objects.get(pk=olga.key_row.pk).last_used_at > earlier + timedelta(minutes=1)
