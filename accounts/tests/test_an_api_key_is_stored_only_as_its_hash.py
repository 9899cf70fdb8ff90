"""A personal API key is shown once: the database keeps its prefix and the SHA-256 of its secret, never the key."""

import hashlib

from django.db import connection

from accounts.api_keys import api_key_find


def test_no_column_holds_the_key_or_its_secret(person):
    ada = person("ada", "operators")
    prefix, secret = ada.key.removeprefix("kiwc_").split("_", 1)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_keys")
        stored = [str(value) for row in cursor.fetchall() for value in row]

    assert ada.key.startswith(f"kiwc_{ada.key_row.prefix}_")
    assert prefix in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    assert not any(secret in value or ada.key in value for value in stored)


def test_the_key_finds_its_row_and_a_changed_secret_does_not(person):
    ada = person("ada", "operators")

    assert api_key_find(ada.key) == ada.key_row
    assert api_key_find(ada.key[:-1] + ("A" if ada.key[-1] != "A" else "B")) is None
    assert api_key_find("kiwc_" + "0" * 12 + "_whatever") is None
    assert api_key_find("kiwc_not-a-prefix_x") is None
    assert api_key_find("") is None


def test_two_keys_never_share_a_prefix_or_a_secret(person):
    ada, bob = person("ada"), person("bob")

    assert ada.key_row.prefix != bob.key_row.prefix
    assert ada.key_row.secret_sha256 != bob.key_row.secret_sha256
