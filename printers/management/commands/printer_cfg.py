"""manage.py printer_cfg PRINTER [--board BOARD] [--out FILE]: a shipped printer's printer.cfg."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from printers.definitions import printer_definition, printer_definitions
from printers.services import printer_config


class Command(BaseCommand):
    help = "Write the printer.cfg of a shipped printer definition (printers/definitions/), to stdout or --out."

    def add_arguments(self, parser):
        parser.add_argument("printer", help="A printer id: " + ", ".join(d["id"] for d in printer_definitions()))
        parser.add_argument("--board", help="Another main board from the board catalog (sync_boards loads it).")
        parser.add_argument("--out", type=Path, help="Write the file here instead of to stdout.")

    def handle(self, *args, printer, board, out, **options):
        definition = printer_definition(printer)
        if definition is None:
            raise CommandError(f"No printer {printer!r}; shipped: {', '.join(d['id'] for d in printer_definitions())}.")
        problems, text = printer_config(definition=definition, board=board)
        if text is None:
            listed = "\n".join(f"  {problem.path or '/'}: {problem.message}" for problem in problems)
            raise CommandError(f"{printer} is not valid for its boards:\n{listed}")
        if out is None:
            self.stdout.write(text, ending="")
            return
        out.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {out} ({len(text.splitlines())} lines) for {definition['name']}.")
