"""Log lines carry UTC time stamps with their offset."""

import logging
import re

from klipperiwc_site.log_format import UTCFormatter


def test_time_stamps_are_utc_with_an_offset():
    formatter = UTCFormatter("%(asctime)s %(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.created = 0.25
    record.msecs = 250
    assert formatter.format(record) == "1970-01-01T00:00:00.250+00:00 hello"


def test_the_settings_use_it(settings):
    formatter = settings.LOGGING["formatters"]["plain"]
    assert formatter["()"] == "klipperiwc_site.log_format.UTCFormatter"
    assert re.search(r"%\(asctime\)s", formatter["format"])
