"""Writes of the board catalog: loading the definition files into the database."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from assets.models import BoardAsset, ModerationStatus
from boards.models import Board, BoardSource
from boards.validation import DEFINITIONS_DIR, ValidationError, definition_validate
from klipperiwc_site.json_limits import JsonTooDeep, json_loads_limited, json_unstorable


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # community boards that a repository file now replaces
    merged: list[str] = field(default_factory=list)
    # relative file path -> its problems
    invalid: dict[str, list[ValidationError]] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.invalid)} invalid"
        )


def _load(path: Path, relative: str) -> tuple[dict | None, list[ValidationError]]:
    try:
        data = json_loads_limited(path.read_bytes())
    except JsonTooDeep as exc:
        return None, [ValidationError("", str(exc))]
    except UnicodeDecodeError:
        return None, [ValidationError("", "the file is not UTF-8 text")]
    except json.JSONDecodeError as exc:
        return None, [ValidationError("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    problem = json_unstorable(data)
    if problem:
        return data, [ValidationError("", f"the file holds {problem}, which the database cannot store")]
    errors = definition_validate(data)
    if not errors and Path(relative).stem != data["id"]:
        errors = [ValidationError("/id", f"the id {data['id']!r} must match the file name ({Path(relative).name})")]
    return data, errors


def _board_id(data, relative: str) -> str:
    """The id a file stands for: its own "id", else its file name.

    A file that does not parse (a truncated edit, say) still stands for the
    board its name says, so that board keeps its earlier version instead of
    being removed as if its file were gone.
    """
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return Path(relative).stem


def boards_sync(
    *, directory: Path = DEFINITIONS_DIR, progress: Callable[[int, int, str, str], None] | None = None
) -> SyncReport:
    """Load every ``<manufacturer>/<board-id>.json`` under ``directory``; idempotent.

    A valid file adds or updates its board (unchanged when its content is the
    same); an invalid one is reported with each problem and its JSON path and
    leaves the catalog's earlier version of that board alone. Repository boards
    whose file is gone are removed; community boards (approved submissions)
    stay, unless a file with the same id arrives: the file wins, and the
    submission is marked merged.
    """
    report = SyncReport()
    paths = sorted(directory.glob("*/*.json"))
    seen: dict[str, str] = {}
    with transaction.atomic():
        _catalog_lock()
        existing = {board.pk: board for board in Board.objects.select_for_update()}
        community = {board_id for board_id, board in existing.items() if board.source == BoardSource.COMMUNITY}
        for position, path in enumerate(paths, start=1):
            relative = path.relative_to(directory).as_posix()
            data, errors = _load(path, relative)
            board_id = _board_id(data, relative)
            if not errors and board_id in seen:
                errors = [ValidationError("/id", f"the id {board_id!r} is used by {seen[board_id]} too")]
            seen.setdefault(board_id, relative)
            if errors or data is None:  # no data comes with errors saying why
                report.invalid[relative] = errors
                outcome = "invalid"
            else:
                outcome = _board_store(data, relative, hashlib.sha256(path.read_bytes()).hexdigest(), existing)
                getattr(report, outcome).append(board_id)
            if progress:
                progress(position, len(paths), relative, outcome)
        gone = [board_id for board_id in existing if board_id not in seen and board_id not in community]
        Board.objects.filter(pk__in=gone).delete()
        report.removed.extend(gone)
        report.merged = sorted(board_id for board_id in report.added + report.updated if board_id in community)
        from submissions.services import submissions_merged  # submissions builds on the catalog

        changed = set(report.added + report.updated)
        submissions_merged(
            replaced=report.merged,
            files={board.pk: board.content_sha256 for board in Board.objects.filter(pk__in=changed)},
        )
    return report


def _catalog_lock() -> None:
    """Let one sync at a time change the catalog (replicas that start together each run one).

    select_for_update locks only rows that exist: on an empty catalog two syncs
    both inserted every board and one failed (IntegrityError), and so did its
    replica's start. On SQLite the IMMEDIATE transaction already holds the
    write lock; on PostgreSQL this table lock, which readers never wait for, does.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Board._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")


def connector_kinds_text(definition: dict) -> str:
    kinds = sorted({connector["kind"] for connector in definition.get("connectors", [])})
    return f",{','.join(kinds)}," if kinds else ""


def board_fields(definition: dict) -> dict:
    """The catalog row's columns that come from a (valid) definition."""
    return {
        "name": definition["name"],
        "manufacturer": definition["manufacturer"],
        "revision": definition.get("revision", ""),
        "mcu_family": definition["mcu"]["family"],
        "mcu_chip": definition["mcu"]["chip"],
        "secondary_mcu": definition.get("secondary_mcu", ""),
        "connector_kinds": connector_kinds_text(definition),
        "connectors": len(definition.get("connectors", [])),
        "definition": definition,
    }


def _board_store(data: dict, relative: str, sha256: str, existing: dict[str, Board]) -> str:
    fields = {
        **board_fields(data),
        "source_file": relative,
        "content_sha256": sha256,
        "source": BoardSource.REPOSITORY,
    }
    picture = _repository_picture(data)
    if picture is not None:
        fields["picture"] = picture
    board = existing.get(data["id"])
    if board is None:
        Board.objects.create(id=data["id"], **fields)
        return "added"
    if (
        board.content_sha256 == sha256
        and board.source_file == relative
        and board.source == BoardSource.REPOSITORY
        and (picture is None or board.picture_id == picture.pk)
    ):
        return "unchanged"
    for name, value in fields.items():
        setattr(board, name, value)
    board.save()
    return "updated"


def _repository_picture(data: dict) -> BoardAsset | None:
    """The approved board asset a repository file's first image names (``"file": "board-asset:<uuid>"``)."""
    images = data.get("images") or []
    match = re.match(r"board-asset:([0-9a-fA-F-]{36})\Z", str(images[0].get("file", ""))) if images else None
    if match is None:
        return None
    try:
        asset_id = uuid.UUID(match.group(1))
    except ValueError:
        return None
    return BoardAsset.objects.filter(pk=asset_id, status=ModerationStatus.APPROVED).first()
