"""SECRET_KEY comes from the environment or a 0600 key file, never from the repository."""

import stat
import subprocess

import pytest

from conftest import PROJECT_ROOT
from klipperiwc_site.config import ConfigError, Environment, secret_key


def test_it_prefers_the_environment(tmp_path):
    key = "k" * 40
    assert secret_key(Environment({"SECRET_KEY": key}), key_file=tmp_path / "secret_key", create=True) == key
    assert not (tmp_path / "secret_key").exists()


def test_it_creates_the_key_file_once_with_mode_0600(tmp_path):
    key_file = tmp_path / "data" / "secret_key"
    first = secret_key(Environment({}), key_file=key_file, create=True)
    second = secret_key(Environment({}), key_file=key_file, create=True)
    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_it_refuses_to_run_without_a_key_when_it_may_not_create_one(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        secret_key(Environment({}), key_file=tmp_path / "secret_key", create=False)


def test_it_refuses_a_short_key_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("short")
    with pytest.raises(ConfigError, match="shorter than 32"):
        secret_key(Environment({}), key_file=key_file, create=True)


def test_no_secret_key_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    assert "data/secret_key" not in tracked
    settings_source = (PROJECT_ROOT / "klipperiwc_site" / "settings.py").read_text()
    assert "SECRET_KEY = secret_key(" in settings_source
