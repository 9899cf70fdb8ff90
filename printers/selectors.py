"""Reads of the printer catalog: the shipped definitions (printers/definitions/) and the community printers.

A shipped file wins over a community printer with the same id (as a repository board wins over a
community board). The shipped files need no database: when the database cannot be read, the list
still has them (the community printers are left out and the log says why). A community printer's
definition comes back in the schema's key order (jsonb keeps none; submissions/printer_files.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError

from klipperiwc_site.outages import DATABASE_OUTAGE_ERRORS, OutageLog, database_address
from printers.definitions import printer_definition, printer_definitions
from printers.models import CommunityPrinter, PrinterSource
from submissions.printer_files import printer_in_schema_order

logger = logging.getLogger(__name__)
_outage = OutageLog("Database (community printers in the printer catalog)", log=logger)


@dataclass(frozen=True)
class CatalogPrinter:
    definition: dict
    source: str  # PrinterSource


def printer_definitions_catalog() -> list[CatalogPrinter]:
    """The shipped definitions, then the community printers whose id no shipped file has (by id)."""
    shipped = [CatalogPrinter(definition, PrinterSource.REPOSITORY) for definition in printer_definitions()]
    ids = {entry.definition["id"] for entry in shipped}
    try:
        rows = list(CommunityPrinter.objects.exclude(pk__in=ids).order_by("id").values_list("definition", flat=True))
        _outage.succeeded(database_address())
    except DATABASE_OUTAGE_ERRORS as exc:
        _outage.failed(database_address(), exc)
        rows = []
    except DatabaseError:
        logger.exception("Could not read the community printers; listing the shipped printers only")
        rows = []
    community = [CatalogPrinter(printer_in_schema_order(definition), PrinterSource.COMMUNITY) for definition in rows]
    return shipped + community


def printer_definition_get(printer_id: str) -> CatalogPrinter | None:
    """The shipped printer with that id, else the community printer (a database outage raises: a 503)."""
    shipped = printer_definition(printer_id)
    if shipped is not None:
        return CatalogPrinter(shipped, PrinterSource.REPOSITORY)
    definition = CommunityPrinter.objects.filter(pk=printer_id).values_list("definition", flat=True).first()
    if definition is None:
        return None
    return CatalogPrinter(printer_in_schema_order(definition), PrinterSource.COMMUNITY)
