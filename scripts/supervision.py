"""deploy.sh's side of supervisord: the configuration, status, stop, and restart counting.

    python -m scripts.supervision config --app-dir DIR --venv VENV --host H --port P ...
    python -m scripts.supervision status CONF   # a line per daemon: name state pid uptime restarts description
    python -m scripts.supervision check CONF    # exit 0 while every daemon runs or starts, 1 naming one that does not
    python -m scripts.supervision stop CONF     # SIGTERM to every daemon at once (supervisord then exits on SIGTERM)
    python -m scripts.supervision listen FILE   # the event listener that counts starts into FILE

supervisord runs in the foreground (deploy.sh starts it in a session of its
own, like the daemons before it), its socket, configuration and restart
counts in var/supervisor/, its own log in logs/supervisord.log. Only the
standard library and supervisor: no Django settings are loaded here.
"""

from __future__ import annotations

import argparse
import configparser
import hashlib
import json
import shlex
import sys
import tempfile
import time
import xmlrpc.client
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

# supervisor's rotation of every daemon's log: 10 MB, 5 old files (app.log.1 ... app.log.5).
LOG_MAX_BYTES = "10MB"
LOG_BACKUPS = 5
# AF_UNIX paths are limited to 108 bytes on Linux.
MAX_SOCKET_PATH = 100
# A daemon that stays up this long counts as started; one that dies sooner is
# retried (1 s, 2 s, 3 s ... apart) this many times, then left FATAL.
START_SECONDS = 1
START_RETRIES = 5
# A daemon's SIGTERM gets this long before SIGKILL (Celery's warm shutdown
# finishes the running task; a bridge gives its leases back).
STOP_WAIT_SECONDS = 15
RESTARTS_FILE = "restarts.json"
# Running or on its way: anything else means the daemon is down.
UP_STATES = {"RUNNING", "STARTING"}


def _value(text: str) -> str:
    """A configuration value: supervisor expands %(name)s in it, so a literal % is doubled."""
    return text.replace("%", "%%")


def _command(*words: str) -> str:
    return _value(shlex.join(words))


def _environment(**variables: str) -> str:
    # supervisor splits KEY="value",... with shlex.
    return _value(",".join(f'{key}="{value}"' for key, value in variables.items()))


def socket_path(app_dir: Path) -> Path:
    """var/supervisor.sock, or, when the checkout's path makes that too long for a socket, one in the temp dir."""
    path = app_dir / "var" / "supervisor.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(app_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"klipperiwc-supervisor-{digest}.sock"


def _daemon(
    *,
    app_dir: Path,
    pidfile: str,
    log: str,
    command: list[str],
    environment: dict[str, str],
    stop_as_group: bool,
) -> dict[str, str]:
    """A [program:...] section: restarted whenever it exits, its output into ``log``, rotated."""
    return {
        # scripts/supervised_exec.sh ends what the previous run of this daemon left
        # (daphne, Celery's pool and beat), writes the pid file, then execs the command.
        "command": _command(str(app_dir / "scripts" / "supervised_exec.sh"), str(app_dir / pidfile), *command),
        "directory": _value(str(app_dir)),
        "environment": _environment(**environment),
        "autostart": "true",
        "autorestart": "true",
        "startsecs": str(START_SECONDS),
        "startretries": str(START_RETRIES),
        "stopsignal": "TERM",
        "stopwaitsecs": str(STOP_WAIT_SECONDS),
        # The web server and a bridge stop their children themselves, but a
        # SIGTERM to each of Celery's pool processes makes the worker hang:
        # SIGTERM to the leader only there, SIGKILL to the whole group at the deadline.
        "stopasgroup": "true" if stop_as_group else "false",
        "killasgroup": "true",
        "redirect_stderr": "true",
        "stdout_logfile": _value(str(app_dir / log)),
        "stdout_logfile_maxbytes": LOG_MAX_BYTES,
        "stdout_logfile_backups": str(LOG_BACKUPS),
    }


def build_config(args: argparse.Namespace) -> configparser.RawConfigParser:
    app_dir = Path(args.app_dir)
    venv = Path(args.venv)
    python = str(venv / "bin" / "python")
    state = app_dir / "var" / "supervisor"
    metrics = app_dir / "var" / "metrics"
    config = configparser.RawConfigParser()
    config["unix_http_server"] = {"file": _value(str(socket_path(app_dir))), "chmod": "0700"}
    config["supervisord"] = {
        "nodaemon": "true",
        "silent": "true",
        "directory": _value(str(app_dir)),
        "logfile": _value(str(app_dir / "logs" / "supervisord.log")),
        "logfile_maxbytes": LOG_MAX_BYTES,
        "logfile_backups": str(LOG_BACKUPS),
        "loglevel": "info",
        "pidfile": _value(str(state / "supervisord.pid")),
        "childlogdir": _value(str(state)),
        "identifier": "klipperiwc",
    }
    config["rpcinterface:supervisor"] = {
        "supervisor.rpcinterface_factory": "supervisor.rpcinterface:make_main_rpcinterface"
    }
    config["supervisorctl"] = {"serverurl": _value(f"unix://{socket_path(app_dir)}")}
    # Every daemon logs to its standard error (LOG_FILE=-): supervisor writes
    # and rotates the file, so no second writer keeps a rotated file open.
    # PROMETHEUS_MULTIPROC_DIR: one directory for the metrics of every process, emptied at each start.
    common = {"LOG_FILE": "-", "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    config["eventlistener:restarts"] = {
        "command": _command(python, "-m", "scripts.supervision", "listen", str(state / RESTARTS_FILE)),
        "directory": _value(str(app_dir)),
        "events": "PROCESS_STATE_STARTING",
        "buffer_size": "1024",
        "autorestart": "true",
        "priority": "1",
        # Its standard output is the protocol channel to supervisord.
        "stdout_logfile": "NONE",
        "stderr_logfile": _value(str(app_dir / "logs" / "supervisord-events.log")),
        "stderr_logfile_maxbytes": "1MB",
        "stderr_logfile_backups": "1",
    }
    config["program:web"] = _daemon(
        app_dir=app_dir,
        pidfile="logs/app.pid",
        log="logs/app.log",
        # WEB_PROCESSES daphne processes on one socket; --proxy-headers when
        # TRUST_PROXY_HEADERS says a proxy sets them (klipperiwc_site/web.py).
        command=[python, "-m", "klipperiwc_site.web", "-b", args.host, "-p", str(args.port)],
        # BRIDGE_MODE as the settings worked it out: "status" reads the running copy's mode there.
        environment={**common, "BRIDGE_MODE": args.bridge_mode},
        stop_as_group=True,
    )
    config["program:celery"] = _daemon(
        app_dir=app_dir,
        pidfile="logs/celery.pid",
        log="logs/celery.log",
        command=[
            str(venv / "bin" / "celery"),
            "-A",
            "klipperiwc_site",
            "worker",
            "--beat",
            "--loglevel",
            args.log_level,
            "--concurrency",
            str(args.concurrency),
            "--hostname",
            "klipperiwc@%h",
        ],
        environment=common,
        stop_as_group=False,
    )
    if args.bridge_mode == "process":
        for number in range(1, args.bridges + 1):
            config[f"program:bridge-{number}"] = _daemon(
                app_dir=app_dir,
                pidfile=f"logs/bridge-{number}.pid",
                log=f"logs/bridge-{number}.log",
                command=[python, "manage.py", "run_bridge"],
                environment={**common, "BRIDGE_MODE": "process"},
                stop_as_group=True,
            )
    return config


def cmd_config(args: argparse.Namespace) -> int:
    config = build_config(args)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    with temporary.open("w") as file:
        config.write(file)
    temporary.replace(output)
    return 0


def _server(conf: str) -> xmlrpc.client.ServerProxy:
    from supervisor.xmlrpc import SupervisorTransport

    parser = configparser.RawConfigParser()
    parser.read(conf)
    url = parser.get("supervisorctl", "serverurl").replace("%%", "%")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=SupervisorTransport(None, None, serverurl=url))


def _processes(conf: str) -> list[dict] | None:
    """supervisord's process list, without the event listener; None when it does not answer."""
    try:
        # XML-RPC answers are untyped: supervisor documents this one as a list of structs.
        processes = cast("list[dict[str, Any]]", _server(conf).supervisor.getAllProcessInfo())
    except (OSError, xmlrpc.client.Error):
        return None
    daemons = [process for process in processes if process["group"] != "restarts"]
    return sorted(daemons, key=_order)


def _order(process: dict) -> tuple[int, int]:
    """The web server, the worker, then the bridges by number (bridge-2 before bridge-10)."""
    name = process["name"]
    if name.startswith("bridge-") and name.removeprefix("bridge-").isdigit():
        return (2, int(name.removeprefix("bridge-")))
    return ({"web": 0, "celery": 1}.get(name, 3), 0)


def _restarts(conf: str) -> dict[str, int]:
    try:
        starts = json.loads((Path(conf).parent / RESTARTS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return {name: max(count - 1, 0) for name, count in starts.items()}


def uptime(seconds: int) -> str:
    return str(timedelta(seconds=max(seconds, 0)))


def cmd_status(args: argparse.Namespace) -> int:
    processes = _processes(args.conf)
    if processes is None:
        print("supervisord does not answer", file=sys.stderr)
        return 2
    restarts = _restarts(args.conf)
    for process in processes:
        running = process["statename"] == "RUNNING"
        fields = [
            process["name"],
            process["statename"],
            str(process["pid"] or "-"),
            uptime(process["now"] - process["start"]) if running else "-",
            str(restarts.get(process["name"], 0)),
            process["description"] or process["spawnerr"] or "-",
        ]
        print("\t".join(field.replace("\t", " ") for field in fields))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    processes = _processes(args.conf)
    if processes is None:
        return 2
    for process in processes:
        if process["statename"] not in UP_STATES:
            print(f"{process['name']}\t{process['statename']}\t{process['description'] or process['spawnerr']}")
            return 1
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    # Without waiting: every daemon gets its SIGTERM now and they stop side by
    # side (supervisord's own shutdown would stop them one after the other).
    try:
        _server(args.conf).supervisor.stopAllProcesses(False)
    except (OSError, xmlrpc.client.Error) as exc:
        print(f"supervisord does not answer ({exc}); its SIGTERM stops the daemons", file=sys.stderr)
        return 2
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    """An event listener (supervisor's protocol on stdin/stdout): counts each daemon's starts in FILE.

    A start after the first is a restart (a crash, or a retry after a failed
    start). The counts survive a restart of the listener (read back from FILE);
    deploy.sh removes FILE before it starts supervisord.
    """
    from supervisor import childutils

    path = Path(args.file)
    try:
        starts: dict[str, int] = json.loads(path.read_text())
    except (OSError, ValueError):
        starts = {}
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        if headers["eventname"] == "PROCESS_STATE_STARTING":
            name = childutils.get_headers(payload)["processname"]
            starts[name] = starts.get(name, 0) + 1
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(starts))
            temporary.replace(path)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
            print(f"{stamp} {name} started ({starts[name]} start(s))", file=sys.stderr, flush=True)
        childutils.listener.ok(sys.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.supervision")
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="write the supervisord configuration")
    config.add_argument("--output", required=True)
    config.add_argument("--app-dir", required=True)
    config.add_argument("--venv", required=True)
    config.add_argument("--host", required=True)
    config.add_argument("--port", type=int, required=True)
    config.add_argument("--bridge-mode", choices=("web", "process"), required=True)
    config.add_argument("--bridges", type=int, default=1)
    config.add_argument("--concurrency", type=int, default=2)
    config.add_argument("--log-level", default="info")
    config.set_defaults(func=cmd_config)
    for name, func in (("status", cmd_status), ("check", cmd_check), ("stop", cmd_stop)):
        sub = commands.add_parser(name)
        sub.add_argument("conf")
        sub.set_defaults(func=func)
    listen = commands.add_parser("listen")
    listen.add_argument("file")
    listen.set_defaults(func=cmd_listen)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
