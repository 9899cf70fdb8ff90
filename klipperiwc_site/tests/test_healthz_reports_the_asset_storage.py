"""/healthz reports the board-asset store: a writable local folder, or an S3 bucket that answers."""

import time

import pytest

from klipperiwc_site.health import check_storage


def use_storage(settings, backend: str, **options) -> None:
    settings.STORAGES = {**settings.STORAGES, "board_assets": {"BACKEND": backend, "OPTIONS": options}}


@pytest.mark.django_db
def test_a_writable_local_folder_is_ok(client, settings, tmp_path):
    settings.REDIS_URL = ""
    use_storage(settings, "django.core.files.storage.FileSystemStorage", location=str(tmp_path / "assets"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_a_local_folder_that_cannot_be_made_is_unavailable(client, settings, tmp_path):
    settings.REDIS_URL = ""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    use_storage(settings, "django.core.files.storage.FileSystemStorage", location=str(blocker / "assets"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "storage": "unavailable"}


def s3_options(s3_server, bucket: str, endpoint_url: str | None = None) -> dict:
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or s3_server.endpoint_url,
        "region_name": s3_server.region,
        "access_key": s3_server.access_key,
        "secret_key": s3_server.secret_key,
        "default_acl": None,
        "signature_version": "s3v4",
        "addressing_style": "path",
    }


@pytest.mark.requires_s3
@pytest.mark.slow
@pytest.mark.django_db
def test_an_s3_bucket_that_answers_is_ok(client, settings, s3_server, s3_bucket):
    settings.REDIS_URL = ""
    use_storage(settings, "storages.backends.s3.S3Storage", **s3_options(s3_server, s3_bucket[1]))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["storage"] == "ok"


@pytest.mark.requires_s3
@pytest.mark.slow
@pytest.mark.django_db
def test_a_missing_bucket_is_unavailable(client, settings, s3_server, unique_name):
    settings.REDIS_URL = ""
    use_storage(settings, "storages.backends.s3.S3Storage", **s3_options(s3_server, f"missing-{unique_name}"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "storage": "unavailable"}


@pytest.mark.requires_s3
@pytest.mark.slow
def test_an_s3_server_that_does_not_answer_is_unavailable_within_seconds(settings, s3_server, s3_bucket, free_port):
    # Nothing listens on free_port: the S3 server as it is once stopped.
    options = s3_options(s3_server, s3_bucket[1], endpoint_url=f"http://127.0.0.1:{free_port}")
    use_storage(settings, "storages.backends.s3.S3Storage", **options)
    started = time.monotonic()
    assert check_storage() is False
    assert time.monotonic() - started < 5
    use_storage(settings, "storages.backends.s3.S3Storage", **s3_options(s3_server, s3_bucket[1]))
    assert check_storage() is True
