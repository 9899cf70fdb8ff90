"""Log line formatting: every time stamp in UTC with its offset."""

import logging
import time


class UTCFormatter(logging.Formatter):
    # staticmethod: Python never binds the builtin gmtime, but type checkers would treat it as a method.
    converter = staticmethod(time.gmtime)

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's API name)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}+00:00"
