"""Where a printer's status comes from: one class per source kind."""

from status.sources.base import Job, PrinterStatus, StatusSource, TemperatureReading
from status.sources.registry import source_for

__all__ = ["Job", "PrinterStatus", "StatusSource", "TemperatureReading", "source_for"]
