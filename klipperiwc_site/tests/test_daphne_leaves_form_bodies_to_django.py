"""Daphne passes multipart bodies through untouched (klipperiwc_site/daphne_patches.py).

Twisted would otherwise parse them itself, holding the whole body in memory,
and answer a malformed one with its own HTML page.
"""

import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def test_a_malformed_multipart_body_gets_our_json_error(start_daphne, project_env, tmp_path):
    url = start_daphne(
        project_env(
            DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
            BOARD_ASSET_UPLOAD_TOKEN="upload-token-for-tests-0123456789",
        )
    )
    request = urllib.request.Request(
        f"{url}/api/board-assets/",
        data=b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n' + b"x" * 200_000,
        method="POST",
        headers={
            # No boundary: Twisted's own parser would answer with its HTML "Bad Request".
            "Content-Type": "multipart/form-data",
            "X-Board-Assets-Key": "upload-token-for-tests-0123456789",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 400
    assert error.value.headers["Content-Type"] == "application/json"
    assert error.value.read().startswith(b'{"detail":')
