"""Environment helpers for settings.py.

Every helper either returns a clean value or raises ``ConfigError`` with one
sentence that names the variable and what it accepts. The entry points
(manage.py, asgi.py, celery.py) turn that error into a one-line exit, so a
typo in the environment never shows up as a traceback.

``ConfigError`` deliberately does not derive from ``ImproperlyConfigured``:
Django swallows that one in places (manage.py help) and we want it to stop
start-up wherever it is raised.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import os
import re
import secrets
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import environ

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

DATABASE_SCHEMES = {
    "sqlite": "sqlite",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "pgsql": "postgresql",
}
REDIS_SCHEMES = {"redis", "rediss"}
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")

SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock when a transaction starts, so a writer
    # waits (up to "timeout" seconds) instead of failing with "database is
    # locked" when it upgrades a read lock while another process writes.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    # WAL lets readers and one writer work at the same time (web + worker).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


class ConfigError(Exception):
    """A setting from the environment has a value we cannot use."""


@contextlib.contextmanager
def exit_on_config_error() -> Iterator[None]:
    """Turn a ConfigError into a one-line message on stderr and exit code 2."""
    try:
        yield
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


# The lines environ.Env.read_env understands: NAME=value, optionally after
# "export ", and blank lines or comments. It skips anything else with only a
# log warning; a typo must stop start-up instead.
_ENV_FILE_LINE = re.compile(r"\A(?:export )?[A-Za-z_0-9]+=.*\Z")


def load_env_file(base_dir: Path) -> Path | None:
    """Put the variables of the env file into the environment; returns the file read, if any.

    ENV_FILE names the file (relative to ``base_dir`` unless absolute; empty:
    none); unset, it is ``base_dir/.env`` when that exists. Variables already
    in the environment win over the file, so ``PORT=8080 ./deploy.sh`` still
    overrides a PORT in it. The file goes into os.environ, so what this
    process starts (Celery's pool, daphne's children) sees the same values.
    """
    setting = os.environ.get("ENV_FILE")
    if setting is None:
        path = base_dir / ".env"
        if not path.exists():
            return None
    elif not setting.strip():
        return None
    else:
        path = Path(setting.strip())
        if not path.is_absolute():
            path = base_dir / path
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"ENV_FILE names {path}, which does not exist; create it, or set ENV_FILE= for none."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise ConfigError(f"{path} cannot be read ({reason}); fix it, or set ENV_FILE= to read no env file.") from None
    for number, line in enumerate(content.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _ENV_FILE_LINE.match(line):
            raise ConfigError(
                f"{path}, line {number}: {_show(line)} is not NAME=value "
                "(letters, digits and _ in the name, no spaces around =)."
            )
    kept = "\n".join(line for line in content.splitlines() if line.strip() and not line.strip().startswith("#"))
    environ.Env.read_env(io.StringIO(kept), overwrite=False)
    return path


def _show(value: str) -> str:
    return repr(value) if len(value) <= 60 else repr(value[:57] + "...")


class Environment:
    """Reads typed values from a mapping (os.environ by default).

    The methods are named after the types they return (env.str, env.list), so
    inside this class the annotations name the builtins as builtins.str.
    """

    def __init__(self, environ_map: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ_map is None else environ_map

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None:
            return None
        return value.strip()

    def str(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None or value == "" else value

    def choice(self, name: builtins.str, choices: tuple[builtins.str, ...], default: builtins.str) -> builtins.str:
        value = self.str(name, default).lower()
        if value not in choices:
            raise ConfigError(f"{name}={_show(self.str(name))} is not allowed; use one of: {', '.join(choices)}.")
        return value

    def bool(self, name: builtins.str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise ConfigError(f"{name}={_show(value)} is not a boolean; use true or false.")

    def int(self, name: builtins.str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        bounds = _bounds_text(minimum, maximum)
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name}={_show(value)} is not a whole number; use {bounds}.") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise ConfigError(f"{name}={number} is out of range; use {bounds}.")
        return number

    def list(self, name: builtins.str, default: builtins.list[builtins.str]) -> builtins.list[builtins.str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def origins(self, name: builtins.str) -> builtins.list[builtins.str]:
        origins = self.list(name, [])
        for origin in origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(f"{name} contains {_show(origin)}; each entry must look like https://example.com.")
        return origins

    def database(self, name: builtins.str, *, default_sqlite_path: Path, base_dir: Path) -> dict:
        value = self.str(name)
        if not value:
            default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(default_sqlite_path),
                "OPTIONS": dict(SQLITE_OPTIONS),
            }
        scheme = urlsplit(value).scheme.lower()
        if scheme not in DATABASE_SCHEMES:
            raise ConfigError(
                f"{name} has the unsupported scheme {scheme + '://' if scheme else '(none)'}; "
                "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:port/name."
            )
        config = environ.Env.db_url_config(value)
        if DATABASE_SCHEMES[scheme] == "sqlite":
            path = Path(config["NAME"])
            if not path.is_absolute():
                path = base_dir / path
            path.parent.mkdir(parents=True, exist_ok=True)
            config["NAME"] = str(path)
            config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        elif not config.get("NAME"):
            raise ConfigError(f"{name} names no database; add it after the host, e.g. postgres://host:5432/klipperiwc.")
        return config

    def redis_url(self, name: builtins.str) -> builtins.str:
        value = self.str(name)
        if value and urlsplit(value).scheme.lower() not in REDIS_SCHEMES:
            raise ConfigError(f"{name}={_show(value)} is not a Redis URL; use redis://host:6379/0 or rediss://...")
        return value

    def url(self, name: builtins.str, default: builtins.str, *, schemes: tuple[builtins.str, ...]) -> builtins.str:
        value = self.str(name, default)
        scheme = urlsplit(value).scheme.lower()
        if scheme not in schemes:
            raise ConfigError(f"{name}={_show(value)} has an unsupported scheme; use one of: {', '.join(schemes)}.")
        return value

    def optional_url(self, name: builtins.str, *, schemes: tuple[builtins.str, ...]) -> builtins.str:
        """An absolute URL with one of ``schemes``, or "" when unset."""
        value = self.str(name)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme.lower() not in schemes or not parts.netloc:
            raise ConfigError(f"{name}={_show(value)} is not an absolute URL; use {schemes[0]}://host/...")
        return value


def _bounds_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"a whole number from {minimum} to {maximum}"
    if minimum is not None:
        return f"a whole number of at least {minimum}"
    if maximum is not None:
        return f"a whole number of at most {maximum}"
    return "a whole number"


def secret_key(env: Environment, *, key_file: Path, create: bool) -> str:
    """SECRET_KEY from the environment, else from ``key_file``.

    The key file is written once (mode 0600, exclusive create, so two processes
    starting together end up with the same key) when ``create`` is true.
    """
    value = env.str("SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ConfigError("SECRET_KEY is too short; use at least 32 random characters.")
        return value
    if not key_file.exists() and create:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    try:
        value = key_file.read_text().strip()
    except FileNotFoundError:
        raise ConfigError(
            f"SECRET_KEY is not set and {key_file} does not exist; set SECRET_KEY or run ./deploy.sh once."
        ) from None
    if len(value) < 32:
        raise ConfigError(f"{key_file} holds a key shorter than 32 characters; delete it to get a new one.")
    return value
