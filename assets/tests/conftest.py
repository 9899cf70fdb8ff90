"""Fixtures of the asset tests: tokens, a storage folder per test, and an API client that speaks the contract."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

UPLOAD_TOKEN = "upload-token-for-tests-0123456789"
MODERATOR_TOKEN = "moderator-token-for-tests-0123456789"
UPLOAD_HEADERS = {"HTTP_X_BOARD_ASSETS_KEY": UPLOAD_TOKEN}
MODERATOR_HEADERS = {"HTTP_X_BOARD_ASSETS_MODERATOR": MODERATOR_TOKEN}


def png_bytes(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <rect id="board" x="5" y="5" width="110" height="70" fill="#2a6"/>
</svg>
"""


@pytest.fixture(autouse=True)
def asset_storage_dir(settings, tmp_path) -> Path:
    """Every test stores board assets in its own folder, on local storage, with both tokens set."""
    location = tmp_path / "board-assets"
    settings.BOARD_ASSET_UPLOAD_TOKEN = UPLOAD_TOKEN
    settings.BOARD_ASSET_MODERATION_TOKEN = MODERATOR_TOKEN
    settings.BOARD_ASSET_STORAGE_BACKEND = "local"
    settings.BOARD_ASSET_PUBLIC_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "board_assets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def stored_files(location: Path) -> list[str]:
    return sorted(path.name for path in location.rglob("*") if path.is_file()) if location.exists() else []


@dataclass
class AssetApi:
    """The board-asset endpoints as a client uses them (Django's test client underneath)."""

    client: Client

    def upload(self, content: bytes = b"", *, name: str = "board.png", headers=None, **fields):
        upload = io.BytesIO(content or png_bytes())
        upload.name = name
        return self.client.post(
            "/api/board-assets/",
            {"file": upload, **fields},
            **(UPLOAD_HEADERS if headers is None else headers),
        )

    def uploaded(self, content: bytes = b"", **fields) -> dict:
        response = self.upload(content, **fields)
        assert response.status_code == 201, response.content
        return response.json()

    def moderate(self, asset_id, status: str, *, notes: str = "", reviewer: str = "mod-anna", headers=None):
        return self.client.patch(
            f"/api/board-assets/{asset_id}/moderation",
            {"status": status, "notes": notes, "reviewer": reviewer},
            content_type="application/json",
            **(MODERATOR_HEADERS if headers is None else headers),
        )

    def approved(self, content: bytes = b"", **fields) -> dict:
        asset = self.uploaded(content, **fields)
        response = self.moderate(asset["id"], "approved")
        assert response.status_code == 200, response.content
        return response.json()

    def list(self, query: str = "", headers=None):
        return self.client.get(f"/api/board-assets/{query}", **(headers or {}))

    def get(self, asset_id, headers=None):
        return self.client.get(f"/api/board-assets/{asset_id}", **(headers or {}))


@pytest.fixture
def api(client, db) -> AssetApi:
    return AssetApi(client)
