"""With S3 storage (the scaled setup) a thumbnail is stored in the bucket under printer-thumbnails/, served from
there, and goes from there with its printer."""

import pytest

from control.models import PrinterThumbnail
from control.tests.thumbnail_fakes import PNG, asked, serve_file
from status.models import Printer
from status.printer_services import printer_delete

pytestmark = [pytest.mark.requires_s3, pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def s3_thumbnails(settings, s3_server, s3_bucket):
    client, bucket = s3_bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "printer_thumbnails": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server.endpoint_url,
                "region_name": s3_server.region,
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "default_acl": None,
                "file_overwrite": False,
                "signature_version": "s3v4",
                "addressing_style": "path",
                "location": "printer-thumbnails",
            },
        },
    }
    return client, bucket


def keys(client, bucket) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_the_copy_lives_in_the_bucket(
    client, fake_moonraker, moonraker_row, s3_thumbnails, settings, django_capture_on_commit_callbacks
):
    s3, bucket = s3_thumbnails
    serve_file(fake_moonraker, "cube.gcode")
    moonraker_row(fake_moonraker.url)

    first = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})

    assert first.status_code == 200, first.content
    assert first.content == PNG
    row = PrinterThumbnail.objects.get()
    assert keys(s3, bucket) == [f"printer-thumbnails/{row.storage_key}"]
    assert s3.get_object(Bucket=bucket, Key=f"printer-thumbnails/{row.storage_key}")["Body"].read() == PNG

    fake_moonraker.routes.clear()  # Moonraker forgets everything: the copy is what is served
    again = client.get("/api/printers/voron/thumbnail", {"file": "cube.gcode"})
    assert (again.status_code, again.content) == (200, PNG)
    assert asked(fake_moonraker).count("/server/files/metadata") == 1

    with django_capture_on_commit_callbacks(execute=True):
        printer_delete(printer=Printer.objects.get(slug="voron"))
    assert keys(s3, bucket) == []
