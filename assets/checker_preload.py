"""Imported once by the image checker's forkserver (assets.inspection), so that every child starts warm.

Pillow loads its format plugins and the codecs' shared libraries on first
use, which would cost each single-use child tens of milliseconds. Encoding and
decoding a tiny picture of each accepted format here, in the forkserver
before it forks, leaves all of that loaded in every child. The web process
never imports this module: it decodes nothing.
"""

import io
import logging

from PIL import Image

import assets.inspection  # noqa: F401 -- the children's code, loaded before they fork
from assets.validation import check_upload


def _warm_up() -> None:
    for fmt in ("PNG", "JPEG", "WEBP"):
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), (10, 120, 200)).save(picture, fmt)
        check_upload(picture, max_pixels=64)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect style="fill:#123" width="8"/></svg>'
    check_upload(io.BytesIO(svg), max_pixels=64)


try:
    _warm_up()
except Exception:
    # The forkserver must start even so (its children then load Pillow's parts on first use).
    logging.getLogger(__name__).exception("Warming up the image checker failed")
