"""DATABASE_URL=postgres://... selects PostgreSQL through psycopg 3."""

import pytest


def test_it_parses_a_postgres_url(settings_under):
    loaded = settings_under(DATABASE_URL="postgres://hub:s3cret@db.internal:6543/klipperiwc?sslmode=require")
    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 6543, "klipperiwc")
    assert (database["USER"], database["PASSWORD"]) == ("hub", "s3cret")
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_it_rejects_a_postgres_url_without_a_database_name(manage, project_env):
    result = manage("check", env=project_env(DATABASE_URL="postgres://db.internal:5432"))
    assert result.returncode == 2
    assert "DATABASE_URL names no database" in result.stderr


@pytest.mark.requires_postgres
def test_it_connects_to_a_real_postgres_server(manage, project_env, postgres_url):
    script = (
        "from django.db import connection; connection.ensure_connection(); "
        "import psycopg; print(connection.vendor, psycopg.__version__.split('.')[0])"
    )
    result = manage("shell", "--no-imports", "-c", script, env=project_env(DATABASE_URL=postgres_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["postgresql", "3"]
