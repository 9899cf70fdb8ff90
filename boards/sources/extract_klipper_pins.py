#!/usr/bin/env python3
"""Turn a Klipper config file into the pin facts KlipperIWC keeps from it.

Klipper's board files (repository Klipper3d/klipper, folder ``config/``) are
GPL-licensed: the project does not ship them. It keeps the facts it relies on,
with attribution, in ``boards/sources/klipper/<file>.pins.json``. This script
makes that file from a downloaded copy, so a maintainer can regenerate it::

    python boards/sources/extract_klipper_pins.py /tmp/generic-bigtreetech-octopus-v1.1.cfg \\
        --commit 06edfc191d3201511e0e1434c11c3e3c12b89b47 \\
        --output boards/sources/klipper/generic-bigtreetech-octopus-v1.1.pins.json

What it extracts, mechanically and line by line:

- ``pins``: every option of a section whose name is ``pin`` or ends in ``_pin``
  (``step_pin``, ``heater_pin``, ``uart_pin``, ``sensor_pin``, ...) or ``_pins``
  (``encoder_pins``, one fact per list item), whose value is a pin description
  ``[^|~][!][chip:]name``; and every ``NAME=VALUE`` of a ``[board_pins]``
  section's ``aliases``/``aliases_*`` options. Options of commented-out sections
  (``#[extruder1]``) and commented-out options (``#uart_pin: PC4``) are kept
  with ``"active": false``: Klipper's sample files document most of a board's
  connectors that way.
- ``comment_pins``: pin names mentioned in comments (``# PA1 for X-max``).
- ``sections``: each section header with the comment lines right above it
  (``# Driver0``), where the files name connectors.

Each fact has an ``id`` that a board definition cites: ``stepper_x.step_pin``,
``display.encoder_pins[1]``, ``board_pins.aliases.EXP1_1``, for an inline
comment ``stepper_x.endstop_pin#comment`` and for a comment line ``comment@L12``.
A second option of the same name in one section gets ``@L<line>`` appended.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

FORMAT = 1
REPOSITORY = "Klipper3d/klipper"
URL_TEMPLATE = "https://github.com/Klipper3d/klipper/blob/master/config/{name}"

HEADER = re.compile(r"^\[([^\]]+)\]\s*$")
OPTION = re.compile(r"^([A-Za-z0-9_]+)\s*[:=]\s*(.*)$")
# A bare pin name as Klipper's MCUs define them (all families).
PIN_NAME = re.compile(
    r"^(?:P[A-Z][0-9]{1,2}|P[0-9]\.[0-9]{1,2}|gpio[0-9]+|gpiochip[0-9]+/gpio[0-9]+|analog[0-9]+|ADC_TEMPERATURE)$"
)
# Pin names as they appear in prose comments.
COMMENT_PIN = re.compile(r"(?<![A-Za-z0-9_])(P[0-4]\.[0-9]{1,2}|P[A-K][0-9]{1,2}|gpio[0-9]{1,2})(?![A-Za-z0-9_])")


def pin_parse(raw: str) -> dict | None:
    """Split ``[^|~][!][chip:]name`` into its parts; None when the name is no pin."""
    desc = raw.strip()
    pull = None
    if desc[:1] in ("^", "~"):
        pull, desc = desc[0], desc[1:].strip()
    invert = False
    if desc[:1] == "!":
        invert, desc = True, desc[1:].strip()
    chip = None
    if ":" in desc:
        chip, desc = (part.strip() for part in desc.split(":", 1))
    if not PIN_NAME.match(desc):
        return None
    return {"pin": desc, "chip": chip, "pull": pull, "invert": invert}


def is_pin_option(key: str) -> bool:
    return key == "pin" or key.endswith("_pin") or key.endswith("_pins")


def comment_split(line: str) -> tuple[str, str | None]:
    """Klipper drops everything from the first '#' (configfile.py); return (text, comment)."""
    pos = line.find("#")
    if pos < 0:
        return line, None
    return line[:pos], line[pos + 1 :].strip() or None


def lines_read(text: str) -> tuple[list[dict], list[dict], list[dict]]:
    """First pass: sections, options (with continuation lines) and comment lines."""
    sections: list[dict] = []
    options: list[dict] = []
    comments: list[dict] = []
    pending_comments: list[str] = []
    active_section: str | None = None
    last_section: dict | None = None
    current: dict | None = None  # an active option that may continue on indented lines
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            pending_comments = []
            continue
        if stripped[0] in "#;":
            body = stripped.lstrip("#;").strip()
            header = HEADER.match(body)
            option = OPTION.match(body) if last_section is not None else None
            if header:
                last_section = {
                    "name": header.group(1).strip(),
                    "active": False,
                    "line": lineno,
                    "comments": pending_comments,
                }
                sections.append(last_section)
                pending_comments = []
                current = None
            elif option and last_section is not None and not body.startswith(("See ", "http")):
                value, inline = comment_split(option.group(2))
                options.append(
                    {
                        "section": last_section["name"],
                        "key": option.group(1).lower(),
                        "parts": [(lineno, value)],
                        "comment": inline,
                        "line": lineno,
                        "active": False,
                    }
                )
                pending_comments = []
            else:
                if body:
                    comments.append({"line": lineno, "text": body})
                    pending_comments.append(body)
            continue
        text_part, inline = comment_split(line)
        if line[:1].isspace() and current is not None:
            current["parts"].append((lineno, text_part))
            if inline:
                comments.append({"line": lineno, "text": inline})
            continue
        header = HEADER.match(text_part.strip())
        if header:
            active_section = header.group(1).strip()
            last_section = {"name": active_section, "active": True, "line": lineno, "comments": pending_comments}
            sections.append(last_section)
            pending_comments = []
            current = None
            continue
        option = OPTION.match(text_part.strip())
        if option and active_section is not None:
            current = {
                "section": active_section,
                "key": option.group(1).lower(),
                "parts": [(lineno, option.group(2))],
                "comment": inline,
                "line": lineno,
                "active": True,
            }
            options.append(current)
            pending_comments = []
    return sections, options, comments


def alias_pairs(option: dict) -> list[tuple[str, str, int]]:
    """Klipper's board_pins parsing: split on ',' then on '='; keep the line of each pair."""
    joined = "\n".join(part for _, part in option["parts"])
    pairs = []
    for item in joined.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"line {option['line']}: cannot parse alias {item!r}")
        name, value = name.strip(), value.strip()
        line = option["line"]
        for lineno, part in option["parts"]:
            if re.search(rf"(?:^|[\s,]){re.escape(name)}\s*=", part):
                line = lineno
                break
        pairs.append((name, value, line))
    return pairs


def facts_extract(text: str) -> dict:
    """The pin facts of one Klipper config text (without the source block)."""
    sections, options, comments = lines_read(text)
    pins: list[dict] = []
    comment_pins: list[dict] = []
    seen: set[str] = set()

    def fact_id(base: str, line: int) -> str:
        ident = base if base not in seen else f"{base}@L{line}"
        seen.add(ident)
        return ident

    for option in options:
        section, key = option["section"], option["key"]
        value = " ".join(part.strip() for _, part in option["parts"]).strip()
        if section.split()[0] == "board_pins" and (key == "aliases" or key.startswith("aliases_")):
            for name, alias_value, line in alias_pairs(option):
                entry = {
                    "id": fact_id(f"{section}.{key}.{name}", line),
                    "section": section,
                    "key": key,
                    "alias": name,
                    "raw": alias_value,
                    "line": line,
                    "active": option["active"],
                }
                if alias_value.startswith("<") and alias_value.endswith(">"):
                    entry.update({"pin": None, "reserved": alias_value})
                else:
                    parsed = pin_parse(alias_value)
                    entry.update(parsed or {"pin": None})
                pins.append(entry)
            continue
        if not is_pin_option(key):
            continue
        raws = [item.strip() for item in value.split(",")] if key.endswith("_pins") else [value]
        for index, raw in enumerate(raws):
            parsed = pin_parse(raw)
            if parsed is None:
                continue
            base = f"{section}.{key}" + (f"[{index}]" if key.endswith("_pins") else "")
            ident = fact_id(base, option["line"])
            pins.append(
                {
                    "id": ident,
                    "section": section,
                    "key": key,
                    "raw": raw,
                    **parsed,
                    "line": option["line"],
                    "active": option["active"],
                    "comment": option["comment"],
                }
            )
            mentioned = COMMENT_PIN.findall(option["comment"] or "")
            if mentioned:
                comment_pins.append(
                    {"id": f"{ident}#comment", "line": option["line"], "text": option["comment"], "pins": mentioned}
                )
    for comment in comments:
        mentioned = COMMENT_PIN.findall(comment["text"])
        if mentioned:
            comment_pins.append({"id": f"comment@L{comment['line']}", **comment, "pins": mentioned})
    comment_pins.sort(key=lambda entry: entry["line"])
    return {"sections": sections, "pins": pins, "comment_pins": comment_pins}


def document_build(text: str, file_name: str, commit: str | None = None, url: str | None = None) -> dict:
    """The whole .pins.json document for one config file."""
    return {
        "format": FORMAT,
        "source": {
            "repository": REPOSITORY,
            "path": f"config/{file_name}",
            "url": url or URL_TEMPLATE.format(name=file_name),
            "commit": commit,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "license": "GPL-3.0-only",
            "attribution": "Klipper (https://github.com/Klipper3d/klipper), Kevin O'Connor and contributors. "
            "Only pin facts are kept here; the config file itself is not redistributed.",
        },
        "generator": "boards/sources/extract_klipper_pins.py",
        **facts_extract(text),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cfg", type=Path, help="a Klipper config file, e.g. a downloaded config/<board>.cfg")
    parser.add_argument("--commit", help="the Klipper commit the file was taken from")
    parser.add_argument("--url", help="the file's URL (default: its path on Klipper3d/klipper master)")
    parser.add_argument("--output", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    document = document_build(args.cfg.read_text(encoding="utf-8"), args.cfg.name, args.commit, args.url)
    rendered = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        args.output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
