"""Fixtures of the status tests."""

import pytest
from django.test import Client

from status.tests.printer_api import ADMIN_TOKEN


@pytest.fixture
def admin_api(settings, db):
    """A client whose calls carry X-Printer-Admin-Key (PRINTER_ADMIN_TOKEN is set for the test)."""
    settings.PRINTER_ADMIN_TOKEN = ADMIN_TOKEN
    return Client(headers={"X-Printer-Admin-Key": ADMIN_TOKEN})


@pytest.fixture
def redis_layer(settings, redis_server):
    """The in-process channel layer on a private redis-server (``.stop()`` / ``.start()`` it for an outage)."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "klipperiwc_site.channel_layers.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_server.url], "prefix": "klipperiwc-test"},
        }
    }
    return redis_server
