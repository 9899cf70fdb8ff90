"""A printer deleted between the view's lookup and the service's first write: a 404, not a 500 and not a loop
(the new row's foreign key fails at its commit)."""

import threading

import pytest
from django.db import connection

from control.models import PrinterThumbnail
from control.thumbnails import ThumbnailError, printer_thumbnail
from status.models import Printer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_deleted_printer_is_a_404(fake_moonraker, moonraker_row):
    printer = moonraker_row(fake_moonraker.url)
    Printer.objects.filter(pk=printer.pk).delete()  # another request's DELETE, after the view read it
    outcome = []

    def ask():
        try:
            printer_thumbnail(printer=printer, path="cube.gcode")
        except ThumbnailError as error:
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    thread.join(10)

    assert not thread.is_alive(), "printer_thumbnail kept retrying"
    [error] = outcome
    assert error.status_code == 404
    assert "'voron'" in error.detail
    assert fake_moonraker.requests == []
    assert not PrinterThumbnail.objects.exists()
