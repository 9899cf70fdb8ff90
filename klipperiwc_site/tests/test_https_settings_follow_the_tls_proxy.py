"""The HTTPS settings (redirect, HSTS, Secure cookies) are off for a LAN install without a proxy,
on behind a TLS proxy (TRUST_PROXY_HEADERS=true), each one settable on its own, and a bad
value stops start-up naming the variable."""

import pytest

pytestmark = pytest.mark.slow

NAMES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def https_settings(settings: dict) -> dict:
    return {name: settings[name] for name in NAMES}


def test_without_a_proxy_everything_is_off(settings_under):
    settings = settings_under(APP_ENV="production")
    assert https_settings(settings) == {name: 0 if name == "SECURE_HSTS_SECONDS" else False for name in NAMES}
    # HttpOnly does not depend on HTTPS: no script reads either cookie.
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["CSRF_COOKIE_HTTPONLY"] is True


def test_behind_the_proxy_everything_is_on_and_each_can_be_turned_off(settings_under):
    assert https_settings(settings_under(TRUST_PROXY_HEADERS="true")) == {
        name: 31_536_000 if name == "SECURE_HSTS_SECONDS" else True for name in NAMES
    }
    off = {name: "0" if name == "SECURE_HSTS_SECONDS" else "false" for name in NAMES}
    assert https_settings(settings_under(TRUST_PROXY_HEADERS="true", **off)) == {
        name: 0 if name == "SECURE_HSTS_SECONDS" else False for name in NAMES
    }


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SECURE_HSTS_SECONDS", "-1", "SECURE_HSTS_SECONDS=-1 is out of range"),
        ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT='sometimes' is not a boolean"),
    ],
)
def test_a_bad_value_stops_start_up_naming_it(manage, project_env, name, value, says):
    result = manage("check", env=project_env(**{name: value}))
    assert result.returncode == 2
    assert says in result.stderr, result.stderr
