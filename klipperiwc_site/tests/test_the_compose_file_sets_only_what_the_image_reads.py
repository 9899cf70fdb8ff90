"""compose.yaml (the scaled layout) sets only variables the settings read, runs only commands the image has.

A variable the settings do not read (a typo, a renamed setting) would be
ignored without a word, and a command the entry point does not know would be
executed as a program that the image does not have. The names the settings
read are collected from settings.py and config.py (every env.<kind>("NAME")
and os.environ lookup), the commands from the case of the entry point that the
Dockerfile names; then the settings are loaded with the file's environment.
"""

import ast
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "compose.yaml"
# What an operator puts into .env for the variables compose.yaml requires (${NAME:?...}).
REQUIRED = {
    "SECRET_KEY": "compose-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "POSTGRES_PASSWORD": "compose-test-database-password",
    "S3_ACCESS_KEY": "compose-test-access-key",
    "S3_SECRET_KEY": "compose-test-secret-access-key",
}
# boto3 reads these itself; test_the_settings_accept_the_files_environment checks that the
# settings give django-storages no credentials of their own, so boto3's are the ones used.
READ_BY_BOTO3 = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::(?P<kind>[-?])(?P<rest>[^}]*))?\}")


def interpolated(value, given: dict[str, str]):
    """``value`` with compose's ${NAME}, ${NAME:-default} and ${NAME:?message} resolved from ``given``."""
    if isinstance(value, dict):
        return {key: interpolated(item, given) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolated(item, given) for item in value]
    if not isinstance(value, str):
        return value

    def resolve(match: re.Match) -> str:
        name, kind, rest = match["name"], match["kind"], match["rest"]
        if given.get(name):
            return given[name]
        if kind == "-":
            return rest
        raise AssertionError(f"compose.yaml needs {name} ({rest or 'no message'}), and no default is given")

    return _INTERPOLATION.sub(resolve, value)


def compose(given: dict[str, str] | None = None) -> dict:
    return interpolated(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")), given or REQUIRED)


def project_services(file: dict) -> dict[str, dict]:
    """The services built from this project's Dockerfile."""
    built = {}
    for name, service in file["services"].items():
        build = service.get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        if context is not None and (PROJECT_ROOT / context).resolve() == PROJECT_ROOT:
            built[name] = service
    return built


def names_the_settings_read() -> set[str]:
    """Every NAME in env.<kind>("NAME", ...), os.environ.get("NAME") and os.environ["NAME"] of the settings."""
    names = set()
    for module in ("settings.py", "config.py"):
        tree = ast.parse((PROJECT_ROOT / "klipperiwc_site" / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                receiver = ast.unparse(node.func.value)
                if receiver in ("env", "os.environ") and isinstance(node.args[0], ast.Constant):
                    names.add(node.args[0].value)
            elif (
                isinstance(node, ast.Subscript)
                and ast.unparse(node.value) == "os.environ"
                and isinstance(node.slice, ast.Constant)
            ):
                names.add(node.slice.value)
    return {name for name in names if isinstance(name, str)}


def image_entrypoint() -> Path:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    workdir = re.search(r"^WORKDIR (\S+)$", dockerfile, re.MULTILINE)
    entrypoint = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.MULTILINE)
    assert workdir is not None, "the Dockerfile has no WORKDIR"
    assert entrypoint is not None, "the Dockerfile has no ENTRYPOINT in exec form"
    # The project is copied into WORKDIR, so /app/scripts/x is scripts/x of this checkout.
    return PROJECT_ROOT / Path(json.loads(entrypoint[1])[0]).relative_to(workdir[1])


def image_defaults() -> dict[str, str]:
    """The ENV of the Dockerfile: what every container starts with."""
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    block = re.search(r"^ENV (.+)$", dockerfile, re.MULTILINE)
    assert block is not None
    return dict(pair.split("=", 1) for pair in block[1].split())


def entrypoint_roles() -> set[str]:
    script = image_entrypoint().read_text(encoding="utf-8")
    cases = re.search(r'^case "\$role" in$(.*?)^esac$', script, re.MULTILINE | re.DOTALL)
    assert cases is not None, f"{image_entrypoint()} has no case over the role any more"
    return set(re.findall(r"^  ([a-z][a-z-]*)\)$", cases[1], re.MULTILINE))


def entrypoint_variables() -> set[str]:
    """The variables the entry point itself reads (LOG_LEVEL, CELERY_CONCURRENCY, ...), not those it sets."""
    script = image_entrypoint().read_text(encoding="utf-8")
    assigned = set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)=", script, re.MULTILINE))
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", script)) - assigned


def test_it_reads_the_names_the_checks_go_by() -> None:
    # The collectors themselves: an empty or stale set would let anything through.
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "BOARD_ASSET_S3_ENDPOINT",
        "ENV_FILE",
    } <= names_the_settings_read()
    assert {"web", "bridge", "worker", "beat"} <= entrypoint_roles()
    assert "CELERY_CONCURRENCY" in entrypoint_variables()


def test_every_variable_it_sets_is_read_by_the_settings() -> None:
    known = names_the_settings_read() | entrypoint_variables() | READ_BY_BOTO3
    services = project_services(compose())
    assert set(services) == {"web", "bridge", "worker", "beat"}
    for name, service in services.items():
        unknown = sorted(set(service.get("environment", {})) - known)
        assert not unknown, f"service {name} sets {unknown}, which neither the settings nor the entry point read"


def role_of(service: dict) -> str:
    command = service.get("command", "web")  # the image's CMD
    return (command.split() if isinstance(command, str) else command)[0]


def test_every_command_is_a_role_of_the_image_entry_point() -> None:
    roles = entrypoint_roles()
    services = project_services(compose())
    for name, service in services.items():
        assert role_of(service) in roles, (
            f"service {name} runs {role_of(service)!r}; {image_entrypoint().name} knows {sorted(roles)}"
        )
    beats = sum(
        service.get("deploy", {}).get("replicas", 1)
        for service in services.values()
        if role_of(service) in ("beat", "worker-beat")
    )
    assert beats == 1, "exactly one beat: every beat sends every periodic task"


def test_the_services_it_points_at_are_the_ones_it_runs() -> None:
    file = compose()
    web = file["services"]["web"]["environment"]
    names = {
        name: {name, *((service.get("networks") or {}).get("default") or {}).get("aliases", [])}
        for name, service in file["services"].items()
    }

    def service_at(url: str) -> str:
        host = urlsplit(url).hostname
        found = [name for name, known in names.items() if host in known]
        assert found, f"{url} names no service of compose.yaml"
        return found[0]

    assert service_at(web["DATABASE_URL"]) == "postgres"
    assert service_at(web["REDIS_URL"]) == service_at(web["CELERY_BROKER_URL"]) == "redis"
    assert service_at(web["BOARD_ASSET_S3_ENDPOINT"]) == "s3"
    postgres, s3 = file["services"]["postgres"]["environment"], file["services"]["s3"]["environment"]
    assert urlsplit(web["DATABASE_URL"]).password == postgres["POSTGRES_PASSWORD"]
    assert urlsplit(web["DATABASE_URL"]).username == postgres["POSTGRES_USER"]
    assert web["BOARD_ASSET_S3_BUCKET"] == s3["S3_BUCKET"]  # weed creates it at start
    assert (web["AWS_ACCESS_KEY_ID"], web["AWS_SECRET_ACCESS_KEY"]) == (
        s3["AWS_ACCESS_KEY_ID"],
        s3["AWS_SECRET_ACCESS_KEY"],
    )
    # Presigned links point at the endpoint: the port must be the one the S3 server publishes.
    published = {int(mapping.split(":")[-2]) for mapping in file["services"]["s3"].get("ports", [])}
    assert urlsplit(web["BOARD_ASSET_S3_ENDPOINT"]).port in published


@pytest.mark.slow
def test_the_settings_accept_the_files_environment(settings_under) -> None:
    web = project_services(compose())["web"]
    loaded = settings_under(**{**image_defaults(), **web["environment"]})
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["DATABASES"]["default"]["HOST"] == "postgres"
    assert loaded["CHANNEL_LAYERS"]["default"]["BACKEND"] == "klipperiwc_site.channel_layers.RedisChannelLayer"
    assert loaded["CACHES"]["default"]["BACKEND"] == "klipperiwc_site.cache.TolerantRedisCache"
    assert loaded["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert loaded["BRIDGE_MODE"] == "process"
    assert loaded["WEB_PROCESSES"] > 1
    storage = loaded["STORAGES"]["board_assets"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == web["environment"]["BOARD_ASSET_S3_BUCKET"]
    # No credentials of the settings' own: boto3 takes AWS_* from the environment.
    assert not {"access_key", "secret_key", "session_token"} & set(storage["OPTIONS"])
