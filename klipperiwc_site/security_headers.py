"""The browser-side security headers: Content-Security-Policy (django-csp) and Permissions-Policy.

The policy allows scripts and styles from this site only: no inline script, no
``style`` attribute, no ``eval``. Templates pass data to their scripts through
``json_script`` or ``data-`` attributes, and scripts set styles through the
CSSOM (``element.style``), which a policy does not restrict. The one page that
cannot do without inline styles is Redoc: its styled-components inject
``<style>`` elements, which it marks with the nonce this module adds for that
page only (klipperiwc_site/api_docs.py).

Responses that bring their own policy keep it (django-csp never replaces a
header already set): the board-asset file view sends a sandbox of its own.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.constants import NONE, SELF

# Features no page of the site uses; "()" denies them to the page and to any frame.
# Only names Chromium knows: an unknown one makes it log an error on every page.
DISABLED_FEATURES = (
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an absolute URL (what a CSP source list names)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def s3_image_origins(*, endpoint: str, bucket: str, region: str) -> list[str]:
    """Where presigned S3 links point: the endpoint (path-style), else AWS's virtual-hosted names."""
    if endpoint:
        return [endpoint]
    names = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        names.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return names


def content_security_policy(*, image_origins: list[str]) -> dict:
    """django-csp's CONTENT_SECURITY_POLICY setting; ``image_origins`` may show images too."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            # data: and blob: for the designer's local board image and the docs' icons.
            "img-src": [SELF, "data:", "blob:", *dict.fromkeys(origin(url) for url in image_origins)],
            "font-src": [SELF, "data:"],
            # 'self' covers the same-origin WebSocket (ws: and wss:) too.
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            # No page is meant to be framed (X-Frame-Options says DENY too).
            "frame-ancestors": [NONE],
        }
    }


class PermissionsPolicyMiddleware:
    """Adds PERMISSIONS_POLICY to every response (Django has no setting for this header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
