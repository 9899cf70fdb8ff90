"""With no configuration at all the service runs embedded."""

from pathlib import Path

from conftest import PROJECT_ROOT


def test_it_uses_sqlite_with_wal_and_immediate_transactions_by_default(settings_under):
    loaded = settings_under()
    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == PROJECT_ROOT / "data" / "klipperiwc.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_it_runs_channels_cache_and_celery_without_servers_by_default(settings_under):
    loaded = settings_under()
    assert (
        loaded["CHANNEL_LAYERS"]["default"]["BACKEND"] == "klipperiwc_site.channel_layers.ThrottledInMemoryChannelLayer"
    )
    assert loaded["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["CELERY_BROKER_URL"] == "filesystem://"
    assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"].startswith(str(PROJECT_ROOT / "var"))
    assert loaded["CELERY_RESULT_BACKEND"].startswith("file://")


def test_it_defaults_to_production_without_debug(settings_under):
    loaded = settings_under()
    assert loaded["APP_ENV"] == "production"
    assert loaded["DEBUG"] is False
    assert loaded["LOG_LEVEL"] == "INFO"
    assert (loaded["HOST"], loaded["PORT"]) == ("0.0.0.0", 8000)


def test_it_turns_on_debug_only_in_development(settings_under):
    loaded = settings_under(APP_ENV="development", LOG_LEVEL="debug")
    assert loaded["DEBUG"] is True
    assert loaded["LOG_LEVEL"] == "DEBUG"
    assert loaded["LOG_FILE"] == "-"


def test_it_reads_hosts_origins_and_port_from_the_environment(settings_under):
    loaded = settings_under(
        ALLOWED_HOSTS="hub.example.com, 10.0.0.5",
        CSRF_TRUSTED_ORIGINS="https://hub.example.com",
        HOST="127.0.0.1",
        PORT="8123",
    )
    assert loaded["ALLOWED_HOSTS"] == ["hub.example.com", "10.0.0.5"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://hub.example.com"]
    assert (loaded["HOST"], loaded["PORT"]) == ("127.0.0.1", 8123)


def test_it_resolves_a_relative_sqlite_url_against_the_project(settings_under, tmp_path):
    absolute = settings_under(DATABASE_URL=f"sqlite:///{tmp_path}/elsewhere.sqlite3")
    assert absolute["DATABASES"]["default"]["NAME"] == str(tmp_path / "elsewhere.sqlite3")
    assert absolute["DATABASES"]["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
