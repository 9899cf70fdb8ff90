"""The operator commands deploy.sh runs."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


@pytest.fixture
def admin_env(monkeypatch):
    def set_env(username="admin", password="a long admin password", email="admin@example.com"):  # noqa: S107
        for name, value in (
            ("DJANGO_SUPERUSER_USERNAME", username),
            ("DJANGO_SUPERUSER_PASSWORD", password),
            ("DJANGO_SUPERUSER_EMAIL", email),
        ):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)

    return set_env


@pytest.mark.django_db
def test_ensure_superuser_creates_the_admin_once(admin_env):
    admin_env()
    out = io.StringIO()
    call_command("ensure_superuser", stdout=out)
    call_command("ensure_superuser", stdout=out)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password("a long admin password")
    assert "created" in out.getvalue()
    assert "exists; left unchanged" in out.getvalue()
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_ensure_superuser_does_nothing_without_variables(admin_env):
    admin_env(username=None, password=None, email=None)
    call_command("ensure_superuser", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_ensure_superuser_names_the_missing_variable(admin_env):
    admin_env(password=None)
    with pytest.raises(CommandError, match="Set DJANGO_SUPERUSER_PASSWORD too"):
        call_command("ensure_superuser", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_ensure_superuser_rejects_an_invalid_username(admin_env):
    admin_env(username="no spaces allowed")
    with pytest.raises(CommandError, match="Cannot create admin user"):
        call_command("ensure_superuser", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_setup_app_data_runs_each_participating_app(monkeypatch):
    calls = []
    config = apps.get_app_config("boards")
    monkeypatch.setattr(config, "setup_data", lambda *, stdout: calls.append(stdout), raising=False)
    out = io.StringIO()
    call_command("setup_app_data", stdout=out)
    assert len(calls) == 1
    assert "boards: setting up data" in out.getvalue()
