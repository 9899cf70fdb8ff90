"""What deploy.sh asks Python: the effective configuration, whether a port is free, /healthz.

Run from the project directory with the project's virtualenv::

    python -m scripts.deploy_helper config
    python -m scripts.deploy_helper port HOST PORT [SESSION...]
    python -m scripts.deploy_helper health URL

``config`` loads the settings the way every process does (env file, then the
real environment, which wins) and prints ``NAME=value`` lines, shell-quoted,
for ``eval``. A bad value prints the one-line "Configuration error: ..." and
exits 2. Asking the settings, rather than reading the environment in bash,
means deploy.sh sees the port and host of the env file too, and the bridge
mode exactly as every process computes it (BRIDGE_MODE's default follows
REDIS_URL).

``port`` exits 0 when HOST:PORT can be bound, or when only processes of the
given sessions (the copy deploy.sh replaces) listen there; 1 when another
program listens there (it is named); 2 when HOST is no address of this machine.

``health`` GETs URL without proxies and prints "STATUS BODY" or the error;
exit 0 on 200. With ALLOWED_HOSTS restricted, the Host header is its first
name (Django answers 400 to any other).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def config() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klipperiwc_site.settings")
    from klipperiwc_site.config import ConfigError, Environment, exit_on_config_error

    with exit_on_config_error():
        from django.conf import settings

        env = Environment()
        bridge_processes = env.int("BRIDGE_PROCESSES", 1, minimum=1, maximum=64)
        if bridge_processes > 1 and settings.BRIDGE_MODE != "process":
            # Silently starting none would look like a working farm set-up.
            raise ConfigError(
                f"BRIDGE_PROCESSES={bridge_processes} needs BRIDGE_MODE=process (the default with REDIS_URL); "
                "with BRIDGE_MODE=web the one bridge runs inside the web server."
            )
        values = {
            "APP_ENV": settings.APP_ENV,
            "HOST": settings.HOST,
            "PORT": settings.PORT,
            "LOG_LEVEL": settings.LOG_LEVEL.lower(),
            "WEB_PROCESSES": settings.WEB_PROCESSES,
            # "process": deploy.sh starts BRIDGE_PROCESSES `manage.py run_bridge` daemons;
            # "web": the bridge runs inside the web server and nothing else starts.
            "BRIDGE_MODE": settings.BRIDGE_MODE,
            "BRIDGE_PROCESSES": bridge_processes,
            # Read by deploy.sh only; checked here like every other setting.
            "CELERY_CONCURRENCY": env.int("CELERY_CONCURRENCY", 2, minimum=1),
            "DEPLOY_WAIT_SECONDS": env.int("DEPLOY_WAIT_SECONDS", 60, minimum=1),
            "SECRET_KEY_SOURCE": "SECRET_KEY" if env.str("SECRET_KEY") else "data/secret_key",
            "ENV_FILE_READ": settings.ENV_FILE or "",
        }
    for name, value in values.items():
        print(f"{name}={shlex.quote(str(value))}")
    return 0


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def _holders(port: int) -> dict[int, tuple[int, str]]:
    """{pid: (session id, command line)} of the processes (visible to us) listening on ``port``."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
            if not links & wanted:
                continue
            session = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[3])
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile, or another user's
        found[int(entry.name)] = (session, " ".join(word.decode(errors="replace") for word in words if word))
    return found


def port(host: str, number: str, *sessions: str) -> int:
    port_number = int(number)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]") or None, port_number, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        print(f"HOST={host!r} cannot be resolved ({exc})")
        return 2
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                print(exc.strerror)
                return 2
        else:
            print("free")
            return 0
    ours = {int(session) for session in sessions if session.isdigit()}
    holders = _holders(port_number)
    foreign = {pid: command for pid, (session, command) in holders.items() if session not in ours}
    if holders and not foreign:
        print(f"in use by the running copy (pid {', '.join(map(str, sorted(holders)))})")
        return 0
    if foreign:
        print("in use by " + "; ".join(f"pid {pid} ({command[:120]})" for pid, command in sorted(foreign.items())))
    else:
        print("in use by a process of another user")
    return 1


def health(url: str) -> int:
    sys.path.insert(0, str(PROJECT_DIR))
    from klipperiwc_site.config import ConfigError, Environment, load_env_file

    # ./deploy.sh status must still answer; the next deploy reports the error.
    with contextlib.suppress(ConfigError):
        load_env_file(PROJECT_DIR)
    headers = {}
    names = Environment().list("ALLOWED_HOSTS", [])
    if names and "*" not in names:
        headers["Host"] = names[0].lstrip(".")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=3) as response:  # noqa: S310
            print(response.status, response.read(200).decode(errors="replace"))
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:
        print(exc.code, exc.read(200).decode(errors="replace"))
    except Exception as exc:  # any failure is "no answer"
        print(f"no answer ({exc})")
    return 1


def main(argv: list[str]) -> int:
    commands = {"config": config, "port": port, "health": health}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[0]](*argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
