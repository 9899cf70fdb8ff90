"""The hand-built status payload equals what the documented serializer produces."""

from datetime import timedelta

import pytest

from status.api.serializers import status_payload, status_payload_via_serializer
from status.sources.demo import DemoSource
from status.tests.factories import T0, make_printer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("second", [60, 600, 1600, 3000, 3350])
def test_both_ways_give_the_same_json(second):
    printer = make_printer()
    status = DemoSource(seed=1, epoch=T0).current_status(now=T0 + timedelta(seconds=second))
    assert status_payload(printer=printer, status=status) == status_payload_via_serializer(
        printer=printer, status=status
    )
