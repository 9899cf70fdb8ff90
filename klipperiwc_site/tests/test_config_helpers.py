"""The environment helpers settings.py is built from."""

import pytest

from klipperiwc_site.config import ConfigError, Environment


def test_it_reads_booleans_and_refuses_other_words():
    env = Environment({"A": "yes", "B": "off", "C": "maybe"})
    assert env.bool("A", default=False) is True
    assert env.bool("B", default=True) is False
    assert env.bool("MISSING", default=True) is True
    with pytest.raises(ConfigError, match=r"^C='maybe' is not a boolean; use true or false\.$"):
        env.bool("C", default=False)


def test_it_checks_integer_bounds():
    env = Environment({"LOW": "59", "OK": "60", "WORD": "sixty"})
    assert env.int("OK", 3600, minimum=60) == 60
    assert env.int("MISSING", 3600, minimum=60) == 3600
    with pytest.raises(ConfigError, match="LOW=59 is out of range; use a whole number of at least 60"):
        env.int("LOW", 3600, minimum=60)
    with pytest.raises(ConfigError, match="WORD='sixty' is not a whole number"):
        env.int("WORD", 3600, minimum=60)


def test_choice_is_case_insensitive_and_lists_what_is_allowed():
    env = Environment({"LOG_LEVEL": " DEBUG ", "BAD": "verbose"})
    assert env.choice("LOG_LEVEL", ("debug", "info"), default="info") == "debug"
    with pytest.raises(ConfigError, match="BAD='verbose' is not allowed; use one of: debug, info"):
        env.choice("BAD", ("debug", "info"), default="info")


def test_list_splits_on_commas_and_drops_empty_items():
    env = Environment({"HOSTS": "a.example, ,b.example,"})
    assert env.list("HOSTS", ["*"]) == ["a.example", "b.example"]
    assert env.list("MISSING", ["*"]) == ["*"]


def test_it_does_not_echo_long_values_in_full():
    env = Environment({"APP_ENV": "x" * 500})
    with pytest.raises(ConfigError) as caught:
        env.choice("APP_ENV", ("development", "production"), default="production")
    assert len(str(caught.value)) < 200


def test_sqlite_url_gets_the_concurrency_options(tmp_path):
    env = Environment({"DATABASE_URL": "sqlite:///relative/hub.sqlite3"})
    config = env.database("DATABASE_URL", default_sqlite_path=tmp_path / "unused.sqlite3", base_dir=tmp_path)
    assert config["NAME"] == str(tmp_path / "relative" / "hub.sqlite3")
    assert (tmp_path / "relative").is_dir()
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_default_database_creates_its_folder(tmp_path):
    config = Environment({}).database(
        "DATABASE_URL", default_sqlite_path=tmp_path / "data" / "klipperiwc.sqlite3", base_dir=tmp_path
    )
    assert (tmp_path / "data").is_dir()
    assert config["NAME"] == str(tmp_path / "data" / "klipperiwc.sqlite3")
