"""Helpers of the printer API tests (the admin_api fixture is in conftest.py)."""

ADMIN_TOKEN = "printer-admin-token-for-tests-0123456789"
API_KEY = "moonraker-api-key-9b1f6c2e4d7a4e0f"  # distinctive, so a leak anywhere is found


def moonraker_body(**fields) -> dict:
    return {
        "slug": "mk-1",
        "name": "Moonraker 1",
        "source_kind": "moonraker",
        "moonraker_url": "http://127.0.0.1:7125",
        **fields,
    }
