"""Where a printer's status comes from: one class per source kind."""

from status.sources.base import Fan, Job, PrinterStatus, StatusSource, TemperatureReading, Toolhead
from status.sources.registry import source_for

__all__ = ["Fan", "Job", "PrinterStatus", "StatusSource", "TemperatureReading", "Toolhead", "source_for"]
