"""Files no asset row points to (a web process killed between storing an upload and committing its
row) are removed once untouched for the grace; files with a row, young ones and foreign names stay."""

import io
import os
import time
import uuid

import pytest
from django.core.management import call_command

from assets.models import BoardAsset
from assets.services import asset_files_sweep
from assets.tests.conftest import png_bytes, stored_files
from assets.tests.test_s3_storage_runs_the_whole_flow import keys, s3_settings  # noqa: F401 (a fixture)

HOUR = 3600


def test_it_removes_old_files_without_a_row_and_keeps_the_rest(api, asset_storage_dir):
    asset = api.uploaded(png_bytes(80, 60))
    kept = stored_files(asset_storage_dir)
    assert kept == sorted([f"{asset['id']}.png", f"{asset['id']}.thumbnail.webp"])
    old, young = uuid.uuid4(), uuid.uuid4()
    two_hours_ago = time.time() - 2 * HOUR
    for name in (f"{old}.png", f"{old}.thumbnail.webp", "notes.txt"):
        (asset_storage_dir / name).write_bytes(b"left behind")
        os.utime(asset_storage_dir / name, (two_hours_ago, two_hours_ago))
    (asset_storage_dir / f"{young}.png").write_bytes(b"an upload storing right now")

    out = io.StringIO()
    call_command("sweep_board_asset_files", "--dry-run", stdout=out)
    assert f"would remove {old}.png" in out.getvalue()
    assert "Would remove 2 file(s) without a row." in out.getvalue()
    assert len(stored_files(asset_storage_dir)) == 6

    assert asset_files_sweep(older_than_seconds=HOUR) == sorted([f"{old}.png", f"{old}.thumbnail.webp"])
    assert stored_files(asset_storage_dir) == sorted([*kept, f"{young}.png", "notes.txt"])
    assert BoardAsset.objects.filter(pk=asset["id"]).exists()


def test_a_file_whose_row_exists_is_kept_whatever_its_age(api, asset_storage_dir):
    api.uploaded(png_bytes(80, 60))
    for path in asset_storage_dir.iterdir():
        os.utime(path, (time.time() - 30 * 24 * HOUR,) * 2)
    assert asset_files_sweep(older_than_seconds=60) == []
    assert len(stored_files(asset_storage_dir)) == 2


@pytest.mark.requires_s3
@pytest.mark.slow
def test_it_sweeps_an_s3_bucket(api, s3_settings):  # noqa: F811
    client, bucket = s3_settings
    asset = api.uploaded(png_bytes(80, 60))
    orphan = uuid.uuid4()
    client.put_object(Bucket=bucket, Key=f"{orphan}.png", Body=b"left behind")
    client.put_object(Bucket=bucket, Key="README", Body=b"not ours")
    assert asset_files_sweep(older_than_seconds=HOUR) == []  # still within the grace
    time.sleep(1.1)  # S3 stamps whole seconds
    assert asset_files_sweep(older_than_seconds=0) == [f"{orphan}.png"]
    assert keys(client, bucket) == sorted(["README", f"{asset['id']}.png", f"{asset['id']}.thumbnail.webp"])
