"""Online backups and restores of an instance: its database, its local file storages and a manifest.

A backup is a folder:

- ``manifest.json``: when it was made (UTC), the app's version and applied
  migrations, the rows of every table, and each file's size and sha256;
- ``database.sqlite3`` (SQLite, made with SQLite's online backup API) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``files/<storage>/...``: the files of every local storage the settings
  define (board assets, printer thumbnails), not static files (they come
  with the code).

Both are taken while the service runs. The database copy is one snapshot:
SQLite's backup runs as a single step inside one read transaction; pg_dump
runs in a snapshot exported by a REPEATABLE READ transaction, in which the
row counts of the manifest are read too. Files are copied after the
database, so a file uploaded meanwhile may be in the backup without its row
(harmless), never a row without the file that existed when the row did.

Restore verifies every checksum before it touches anything, refuses a
database that already holds data unless forced, then loads the database
(SQLite's backup API into the configured file; pg_restore) and puts the
files into the storages' folders. Files in S3 are not copied (the manifest
says which storages were left out); README.md says what to do about them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

from accounts.roles import Role

FORMAT = "klipperiwc-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.pgdump"
FILES_DIR = "files"
# What a fresh instance holds before anyone used it: migrate's bookkeeping, the
# board catalog `setup_app_data` loads from the code, and the demo printer a
# migration creates (status/migrations/0003_demo_printer.py). Anything else
# is somebody's data, which restore replaces only with --force.
SETUP_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission", "boards"})
_ROLE_NAMES = ", ".join(f"'{role.value}'" for role in Role)
# Rows that migrations create in every fresh instance: the demo printer and the role groups.
SEEDED_ROWS = {
    "status_printer": "NOT (slug = 'demo' AND source_kind = 'demo')",
    "auth_group": f"name NOT IN ({_ROLE_NAMES})",
    # The role groups' permissions, given after every migrate (accounts/permissions.py).
    "auth_group_permissions": f"group_id NOT IN (SELECT id FROM auth_group WHERE name IN ({_ROLE_NAMES}))",  # noqa: S608 (constants)
}
# libpq parameters Django's OPTIONS may carry that pg_dump / pg_restore must get too.
LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "connect_timeout",
    "target_session_attrs",
    "options",
    "passfile",
    "service",
)
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore cannot go on; the message names the problem."""


def _quiet(_line: str) -> None:
    pass


@dataclass(frozen=True)
class LocalStorage:
    alias: str
    location: Path
    permissions: int | None


def local_storages() -> tuple[list[LocalStorage], list[str]]:
    """(the local file storages to copy, the aliases of storages that are not local, e.g. S3).

    Static files are left out (they come with the code), and so is Django's
    "default" storage unless MEDIA_ROOT is set (nothing stores there).
    """
    local, remote = [], []
    for alias in settings.STORAGES:
        if alias == "staticfiles" or (alias == "default" and not settings.MEDIA_ROOT):
            continue
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            local.append(LocalStorage(alias, Path(storage.location).resolve(), storage.file_permissions_mode))
        else:
            remote.append(alias)
    return local, remote


def _storage_files(storage: LocalStorage, others: list[LocalStorage]) -> Iterator[Path]:
    """Files under the storage's folder, without the folders of other storages nested in it
    (printer thumbnails live under the board assets' folder: each file is backed up once)."""
    nested = {other.location for other in others if other.location != storage.location}
    if not storage.location.is_dir():
        return
    for folder, dirnames, filenames in os.walk(storage.location):
        here = Path(folder)
        dirnames[:] = sorted(name for name in dirnames if here / name not in nested)
        for name in sorted(filenames):
            yield here / name


def _copy_hashing(source: Path, target: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as reader:
        return hashlib.file_digest(reader, "sha256").hexdigest()


def _app_version() -> str:
    """The project's version, with the git commit of the checkout when there is one."""
    import tomllib

    version = "unknown"
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    if pyproject.exists():
        version = tomllib.loads(pyproject.read_text()).get("project", {}).get("version", version)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH, where the operator has it)
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return f"{version}+{commit}" if commit else version


def _migrations_on_disk() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _migrations_by_app(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(rows):
        applied.setdefault(app, []).append(name)
    return applied


# --- PostgreSQL --------------------------------------------------------------------


def _postgres_conninfo_and_env() -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it.

    The password goes in PGPASSWORD, never on a command line (which every user
    of the machine can read in ps).
    """
    from psycopg.conninfo import make_conninfo

    db = settings.DATABASES["default"]
    params = {
        key: str(value)
        for key, value in {
            "dbname": db.get("NAME"),
            "user": db.get("USER"),
            "host": db.get("HOST"),
            "port": db.get("PORT"),
            **{key: db.get("OPTIONS", {}).get(key) for key in LIBPQ_OPTIONS},
        }.items()
        if value not in (None, "")
    }
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return make_conninfo(**params), env


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools of the server's major version "
            "(Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return path


def _run_streaming(command: list[str], *, env: dict[str, str], progress: Progress, interesting: tuple[str, ...]):
    """Run a pg_dump / pg_restore with --verbose, passing the lines that show progress on; raise on failure."""
    process = subprocess.Popen(  # noqa: S603 (the tools' own paths and arguments we built)
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    tail: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        line = line.rstrip()
        tail = [*tail[-19:], line]
        if any(marker in line for marker in interesting):
            progress(f"  {line.split(': ', 1)[-1]}")
    if process.wait() != 0:
        errors = [line for line in tail if "error" in line.lower()] or tail[-5:]
        raise BackupError(f"{Path(command[0]).name} failed (exit {process.returncode}): " + " | ".join(errors))


def _postgres_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    return [row[0] for row in cursor.fetchall()]


def _one_value(cursor):
    row = cursor.fetchone()
    if row is None:
        raise BackupError("PostgreSQL answered a query without a row.")
    return row[0]


def _postgres_dump(target: Path, progress: Progress) -> dict:
    import psycopg
    from psycopg import sql

    conninfo, env = _postgres_conninfo_and_env()
    pg_dump = _postgres_tool("pg_dump")
    try:
        conn = psycopg.connect(conninfo, password=env.get("PGPASSWORD"), connect_timeout=10)
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to PostgreSQL: {str(exc).strip().splitlines()[0]}") from exc
    with conn:
        # The counts and pg_dump see one snapshot: the manifest describes exactly the dump.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            snapshot = _one_value(cursor.execute("SELECT pg_export_snapshot()"))
            tables = {}
            for table in _postgres_tables(cursor):
                tables[table] = _one_value(
                    cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                )
            migrations = []
            if "django_migrations" in tables:
                cursor.execute("SELECT app, name FROM django_migrations")
                migrations = cursor.fetchall()
            server = conn.info.parameter_status("server_version") or ""
        progress(f"  snapshot {snapshot}: {len(tables)} tables, {sum(tables.values())} rows")
        _run_streaming(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                "--verbose",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={conninfo}",
            ],
            env=env,
            progress=progress,
            interesting=("dumping contents of table",),
        )
        conn.rollback()
    return {"vendor": "postgresql", "server_version": server, "tables": tables, "migrations": migrations}


def _postgres_restore(source: Path, progress: Progress) -> None:
    conninfo, env = _postgres_conninfo_and_env()
    _run_streaming(
        [
            _postgres_tool("pg_restore"),
            "--no-password",
            "--verbose",
            # A freshly migrated database has the tables already: the dump's own replace them.
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(source),
        ],
        env=env,
        progress=progress,
        interesting=("processing data for table",),
    )


# --- SQLite --------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [row[0] for row in rows]


def _sqlite_dump(target: Path, progress: Progress) -> dict:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(f"The SQLite database {source_path} does not exist; nothing to back up.")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # pages=-1 (the default): one step, inside one read transaction of the
        # source, so the copy is a consistent snapshot while others write (WAL
        # lets them go on meanwhile).
        source.backup(copy)
        # One self-contained file, whatever journal mode the live database uses.
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = {}
        for table in _sqlite_tables(copy):
            tables[table] = copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (from sqlite_master)
        migrations = (
            copy.execute("SELECT app, name FROM django_migrations").fetchall() if "django_migrations" in tables else []
        )
        version = sqlite3.sqlite_version
    finally:
        copy.close()
        source.close()
    progress(f"  {len(tables)} tables, {sum(tables.values())} rows")
    return {"vendor": "sqlite", "server_version": version, "tables": tables, "migrations": migrations}


def _sqlite_restore(source: Path, progress: Progress) -> None:
    target_path = _sqlite_path()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        # Page by page into the configured file, under its write lock: safe
        # with its WAL and -shm files (copying over the file would not be).
        backup.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        backup.close()
    progress(f"  {target_path}")


# --- Backup --------------------------------------------------------------------------


def backup_create(*, destination: Path, progress: Progress = _quiet) -> dict:
    """Write a backup of this instance into ``destination`` (a missing or empty folder); returns the manifest."""
    destination = Path(destination).resolve()
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} exists and is not an empty folder; name a new folder for the backup.")
    local, remote = local_storages()
    for storage in local:
        if destination.is_relative_to(storage.location):
            raise BackupError(
                f"{destination} is inside the {storage.alias} storage's folder {storage.location}: the backup "
                "would copy itself; put it somewhere else."
            )
    destination.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC)

    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    database_name = SQLITE_NAME if vendor == "sqlite" else POSTGRES_NAME
    progress(f"[1/3] database ({vendor}) -> {database_name}")
    dump = (_sqlite_dump if vendor == "sqlite" else _postgres_dump)(destination / database_name, progress)
    database_file = destination / database_name
    database = {
        "vendor": vendor,
        "server_version": dump["server_version"],
        "file": database_name,
        "size": database_file.stat().st_size,
        "sha256": _file_sha256(database_file),
        "tables": dump["tables"],
    }

    progress(
        f"[2/3] files of {len(local)} local storage(s)"
        + (f"; not copied (not local): {', '.join(remote)}" if remote else "")
    )
    files_manifest: dict[str, dict] = {}
    for storage in local:
        entries = []
        total = 0
        target_root = destination / FILES_DIR / storage.alias
        for path in _storage_files(storage, local):
            relative = path.relative_to(storage.location).as_posix()
            target = target_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                size, sha256 = _copy_hashing(path, target)
            except FileNotFoundError:
                continue  # deleted since the walk listed it (its row went with it, or after the snapshot)
            entries.append({"path": relative, "size": size, "sha256": sha256})
            total += size
            if len(entries) % 100 == 0:
                progress(f"  {storage.alias}: {len(entries)} files, {total / 1e6:.1f} MB ...")
        progress(f"  {storage.alias}: {len(entries)} files, {total / 1e6:.1f} MB from {storage.location}")
        files_manifest[storage.alias] = {"files": entries}

    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "app": {"version": _app_version(), "migrations": _migrations_by_app(dump["migrations"])},
        "database": database,
        "storages": files_manifest,
        "storages_not_copied": {
            alias: "not a local folder (e.g. S3): copy its bucket with the provider's tools" for alias in remote
        },
    }
    progress(f"[3/3] {MANIFEST_NAME}")
    # Written last: a backup folder without a manifest is unfinished.
    (destination / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


# --- Restore -------------------------------------------------------------------------


def _manifest_read(source: Path) -> dict:
    path = source / MANIFEST_NAME
    if not source.is_dir():
        raise BackupError(f"{source} is not a folder; name the folder `manage.py backup` wrote.")
    if not path.is_file():
        raise BackupError(f"{path} is missing: {source} is not a backup, or an unfinished one.")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is corrupt (not valid JSON: {exc}); the backup cannot be trusted.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f'{path} is not a KlipperIWC backup manifest (no "format": "{FORMAT}").')
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has format_version {manifest.get('format_version')!r}; this code reads version {FORMAT_VERSION}."
        )
    for key in ("database", "storages", "app"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(f"{path} is corrupt: its {key!r} entry is missing or not an object.")
    return manifest


def _safe_relative(text: object, *, manifest: Path) -> PurePosixPath:
    """A manifest path that stays inside its folder (a tampered manifest must not write elsewhere)."""
    if not isinstance(text, str) or not text or "\x00" in text:
        raise BackupError(f"{manifest} is corrupt: a file entry has no usable path ({text!r}).")
    path = PurePosixPath(text)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"{manifest} is corrupt: the file path {text!r} leaves its folder.")
    return path


def _check_file(path: Path, entry: dict, *, label: str) -> None:
    if not path.is_file():
        raise BackupError(f"{label} is missing from the backup ({path}).")
    size, expected = entry.get("size"), entry.get("sha256")
    if path.stat().st_size != size:
        raise BackupError(f"{label} is {path.stat().st_size} bytes, the manifest says {size}: the backup is damaged.")
    actual = _file_sha256(path)
    if actual != expected:
        raise BackupError(f"{label} has sha256 {actual}, the manifest says {expected}: the backup is damaged.")


def backup_verify(*, source: Path, progress: Progress = _quiet) -> dict:
    """Check a backup against its manifest (every size and sha256); returns the manifest or raises BackupError."""
    source = Path(source)
    manifest = _manifest_read(source)
    manifest_path = source / MANIFEST_NAME
    database = manifest["database"]
    if database.get("file") not in (SQLITE_NAME, POSTGRES_NAME):
        raise BackupError(f"{manifest_path} is corrupt: unknown database file {database.get('file')!r}.")
    _check_file(source / database["file"], database, label=f"The database file {database['file']}")
    count = 0
    for alias, storage in manifest["storages"].items():
        files = storage.get("files") if isinstance(storage, dict) else None
        if not isinstance(files, list):
            raise BackupError(f"{manifest_path} is corrupt: storage {alias!r} has no file list.")
        for entry in files:
            if not isinstance(entry, dict):
                raise BackupError(f"{manifest_path} is corrupt: a file entry of storage {alias!r} is not an object.")
            relative = _safe_relative(entry.get("path"), manifest=manifest_path)
            _check_file(source / FILES_DIR / alias / relative, entry, label=f"{FILES_DIR}/{alias}/{relative}")
            count += 1
    progress(f"  database and {count} file(s) match the manifest")
    return manifest


def _rows_of_data() -> dict[str, int]:
    """Rows per table of the configured database that a fresh instance does not have (SETUP_TABLES, SEEDED_ROWS)."""
    tables = [name for name in connection.introspection.table_names() if name not in SETUP_TABLES]
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            where = f" WHERE {SEEDED_ROWS[table]}" if table in SEEDED_ROWS else ""
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}{where}")  # noqa: S608 (introspected names, constants)
            counts[table] = cursor.fetchone()[0]
    return {table: rows for table, rows in counts.items() if rows}


def restore_run(*, source: Path, force: bool = False, progress: Progress = _quiet) -> dict:
    """Restore a backup into this instance (stopped: no web, worker or bridge running); returns the manifest."""
    source = Path(source)
    progress(f"[1/4] verifying {source}")
    try:
        manifest = backup_verify(source=source, progress=progress)
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was restored.") from exc
    database = manifest["database"]

    vendor = connection.vendor
    if database.get("vendor") != vendor:
        raise BackupError(
            f"The backup holds a {database.get('vendor')} database, this instance uses {vendor}; "
            "restore it into an instance configured with the same kind of database."
        )
    local = {storage.alias: storage for storage in local_storages()[0]}
    for alias, storage in manifest["storages"].items():
        if storage["files"] and alias not in local:
            raise BackupError(
                f"The backup has files of the storage {alias!r}, which is not a local folder in this instance's "
                "settings; configure local storage (BOARD_ASSET_STORAGE_BACKEND=local) to restore them."
            )
    known = _migrations_on_disk()
    in_backup = {(app, name) for app, names in manifest["app"].get("migrations", {}).items() for name in names}
    newer = sorted(f"{app}.{name}" for app, name in in_backup - known)
    if newer:
        raise BackupError(
            f"The backup was made by newer code (migrations this code lacks: {', '.join(newer[:5])}); "
            "update the code first."
        )

    progress("[2/4] checking that this instance's database is empty")
    holding = _rows_of_data()
    if holding and not force:
        listed = ", ".join(f"{table} ({rows})" for table, rows in sorted(holding.items())[:5])
        raise BackupError(
            f"This instance's database already holds data: {listed}{' ...' if len(holding) > 5 else ''}. "
            "Restore into a fresh instance, or pass --force to replace it."
        )
    if holding:
        progress(f"  --force: replacing {len(holding)} table(s) that hold data")

    progress(f"[3/4] database <- {database['file']}")
    connection.close()  # the restore writes through a connection of its own
    if vendor == "sqlite":
        _sqlite_restore(source / database["file"], progress)
    else:
        _postgres_restore(source / database["file"], progress)

    progress(f"[4/4] files into {len(manifest['storages'])} storage(s)")
    for alias, storage in manifest["storages"].items():
        if not storage["files"]:
            continue
        target = local[alias]
        for entry in storage["files"]:
            relative = _safe_relative(entry["path"], manifest=source / MANIFEST_NAME)
            destination = target.location.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            # Written beside its place and renamed: a file is either the old one or the whole new one.
            handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".restore-")
            os.close(handle)
            shutil.copyfile(source / FILES_DIR / alias / relative, temporary)
            if target.permissions is not None:
                os.chmod(temporary, target.permissions)
            os.replace(temporary, destination)
        progress(f"  {alias}: {len(storage['files'])} files -> {target.location}")
    missing = sorted(f"{app}.{name}" for app, name in known - in_backup)
    if missing:
        progress(f"  this code has {len(missing)} migration(s) the backup lacks: run `manage.py migrate` next")
    return manifest
