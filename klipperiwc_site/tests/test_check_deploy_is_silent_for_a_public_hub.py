"""`manage.py check --deploy` reports nothing for the README's public hub: APP_ENV=production,
its own host names and origin, HTTPS at a reverse proxy (TRUST_PROXY_HEADERS=true) and
nothing else about HTTPS, cookies or HSTS set. Without the proxy it names what is missing."""

import pytest

pytestmark = pytest.mark.slow

PUBLIC_HUB = {
    "APP_ENV": "production",
    "SECRET_KEY": "deploy-check-secret-key-Xq7-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "hub.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://hub.example.com",
    "TRUST_PROXY_HEADERS": "true",
}


def test_check_deploy_reports_nothing_behind_the_tls_proxy(manage, project_env, tmp_path):
    env = project_env(**PUBLIC_HUB, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout
    assert result.stderr.strip() == ""


def test_without_the_proxy_it_names_the_https_settings(manage, project_env, tmp_path):
    env = project_env(**{**PUBLIC_HUB, "TRUST_PROXY_HEADERS": None}, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    result = manage("check", "--deploy", env=env)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, result.stderr
