"""Images are checked in a child process: its death is a clear 400, and the next upload works."""

from assets import inspection
from assets.models import BoardAsset
from assets.tests import crash_helpers
from assets.tests.conftest import png_bytes, stored_files


def test_a_crashed_checker_refuses_the_upload_and_the_next_one_succeeds(api, asset_storage_dir, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(inspection, "_check_in_child", crash_helpers.die_like_a_crashed_decoder)
        response = api.upload(png_bytes(70, 70))
    assert response.status_code == 400
    assert "limits" in response.json()["detail"]
    assert BoardAsset.objects.count() == 0
    assert stored_files(asset_storage_dir) == []

    assert api.upload(png_bytes(71, 71)).status_code == 201


def test_the_check_does_not_run_in_the_web_process(api, monkeypatch):
    def not_here(*args, **kwargs):
        raise AssertionError("decoded in the web process")

    for name in ("check_upload", "inspect_upload", "make_thumbnail"):
        monkeypatch.setattr(f"assets.validation.{name}", not_here)
    monkeypatch.setattr(inspection, "check_upload", not_here)
    assert api.upload(png_bytes(72, 72)).status_code == 201
