"""Decide what an uploaded board graphic really is, by its content.

Pure functions: no Django models and no settings. Limits come in as
arguments. The client's filename and Content-Type are never consulted.

Accepted: PNG, JPEG, WebP (checked and fully decoded with Pillow) and SVG
(parsed with defusedxml and sanitised; the cleaned document is what gets
stored). Everything else is rejected with :class:`RejectedFile`.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass

import defusedxml
import defusedxml.ElementTree as DefusedET
import tinycss2
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["InspectedFile", "RejectedFile", "check_upload", "inspect_upload", "make_thumbnail"]


class RejectedFile(Exception):
    """The upload is not an acceptable board graphic."""

    status_code: int

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class InspectedFile:
    kind: str  # "png" | "jpeg" | "webp" | "svg"
    content_type: str
    extension: str
    width: int | None
    height: int | None
    sanitized: bytes | None  # SVG only: the cleaned document to store instead of the upload


UNSUPPORTED_MESSAGE = "The file is not a PNG, JPEG, WebP or SVG image."
MAX_SVG_BYTES = 10 * 1024 * 1024
MAX_SVG_DEPTH = 256

_CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml"}
_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "svg": "svg"}
_LABELS = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP", "svg": "SVG"}
# Pillow format names that count as each raster kind (a JPEG carrying an MPF
# index of further pictures, as phone cameras write, opens as "MPO").
_PILLOW_FORMATS = {"png": {"PNG"}, "jpeg": {"JPEG", "MPO"}, "webp": {"WEBP"}}
_PILLOW_PLUGINS = ["PNG", "JPEG", "WEBP"]

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_BLOCK = 64 * 1024

_SNIFF_BYTES = 64 * 1024


def _rejected_unsupported() -> RejectedFile:
    return RejectedFile(UNSUPPORTED_MESSAGE, status_code=415)


def _rejected_broken(kind: str) -> RejectedFile:
    return RejectedFile(f"The {_LABELS[kind]} file is truncated or corrupt.", status_code=400)


def _rejected_pixels(pixels: int, max_pixels: int) -> RejectedFile:
    return RejectedFile(f"The image has {pixels} pixels; at most {max_pixels} are allowed.", status_code=400)


def _rejected_polyglot(kind: str, detail: str) -> RejectedFile:
    return RejectedFile(f"The file is not only a {_LABELS[kind]} image: {detail}.", status_code=415)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def inspect_upload(file, *, max_pixels: int) -> InspectedFile:
    """Identify ``file`` by content, check it, and describe it.

    Raises :class:`RejectedFile` (415 for unsupported types and polyglots,
    400 for files of a supported type that are broken or too large).
    The file position is back at 0 when this returns or raises.
    """
    return _inspect(file, max_pixels=max_pixels, on_decoded=None)


def check_upload(file, *, max_pixels: int, thumbnail_size: int = 320) -> tuple[InspectedFile, bytes | None]:
    """inspect_upload and, for a raster image, make_thumbnail; the upload's checker child runs this.

    A PNG or WebP is decoded once: its thumbnail is made from the raster the
    check decoded. A JPEG's comes from a decode at reduced scale (libjpeg's
    draft mode), which is cheaper than scaling the full raster down.
    """
    thumbnails: list[bytes] = []

    def thumbnail_from(img: Image.Image) -> None:
        thumbnails.append(_thumbnail_of(img, max_size=thumbnail_size))

    inspected = _inspect(file, max_pixels=max_pixels, on_decoded=thumbnail_from)
    if inspected.kind == "svg":
        return inspected, None
    if thumbnails:
        return inspected, thumbnails[0]
    return inspected, make_thumbnail(file, kind=inspected.kind, max_size=thumbnail_size)


def _inspect(file, *, max_pixels: int, on_decoded) -> InspectedFile:
    try:
        file.seek(0)
        head = file.read(_SNIFF_BYTES)
        kind = _sniff_raster(head)
        if kind is not None:
            width, height = _inspect_raster(file, kind, max_pixels=max_pixels, on_decoded=on_decoded)
            return InspectedFile(
                kind=kind,
                content_type=_CONTENT_TYPES[kind],
                extension=_EXTENSIONS[kind],
                width=width,
                height=height,
                sanitized=None,
            )
        if not _looks_like_svg(head):
            raise _rejected_unsupported()
        data = head + file.read(MAX_SVG_BYTES + 1 - len(head))
        sanitized, svg_width, svg_height = _inspect_svg(data)  # None: the SVG gives no size
        return InspectedFile(
            kind="svg",
            content_type=_CONTENT_TYPES["svg"],
            extension=_EXTENSIONS["svg"],
            width=svg_width,
            height=svg_height,
            sanitized=sanitized,
        )
    finally:
        file.seek(0)


def make_thumbnail(file, *, kind: str, max_size: int = 320) -> bytes:
    """WebP thumbnail (longest side <= ``max_size``) of an accepted raster upload."""
    if kind not in _PILLOW_FORMATS:
        raise ValueError(f"Thumbnails are made for raster images only, not {kind!r}.")
    try:
        file.seek(0)
        with Image.open(file, formats=_PILLOW_PLUGINS) as opened:
            if opened.format not in _PILLOW_FORMATS[kind]:
                raise ValueError(f"The file is {opened.format}, not {kind}.")
            if opened.format in {"JPEG", "MPO"}:
                # Let libjpeg decode at a reduced scale (still >= max_size).
                opened.draft(None, (max_size, max_size))
            return _thumbnail_of(opened, max_size=max_size)
    finally:
        file.seek(0)


def _thumbnail_of(opened: Image.Image, *, max_size: int) -> bytes:
    img = ImageOps.exif_transpose(opened)
    img = _thumbnail_mode(img)
    # Bilinear (Pillow scales its filter to the reduction, so it still
    # averages every source pixel) and libwebp's method 0 (of 0 fast .. 6
    # small): each upload waits for its thumbnail, and Lanczos with method 4
    # took three times as long for a 320 px picture that looks the same and is
    # hardly smaller.
    img.thumbnail((max_size, max_size), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    img.save(out, format="WEBP", quality=80, method=0)
    return out.getvalue()


# --------------------------------------------------------------------------
# Raster images
# --------------------------------------------------------------------------


def _sniff_raster(head: bytes) -> str | None:
    if head.startswith(_PNG_MAGIC):
        return "png"
    if head.startswith(_JPEG_MAGIC):
        return "jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _inspect_raster(file, kind: str, *, max_pixels: int, on_decoded=None) -> tuple[int, int]:
    # 1. Container structure, without decoding: truncation, chunk CRCs,
    #    data after the end of the image (polyglots).
    file.seek(0)
    if kind == "png":
        _check_png_structure(file)
    elif kind == "jpeg":
        _check_jpeg_structure(file)
    else:
        _check_webp_structure(file)
    if _has_zip_central_directory(file):
        raise _rejected_polyglot(kind, "it is also a ZIP archive")

    # 2. Identify with Pillow and check the pixel count before decoding.
    file.seek(0)
    try:
        img = Image.open(file, formats=_PILLOW_PLUGINS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit (Image.MAX_IMAGE_PIXELS); the warning arrives
        # as an exception only where warnings are turned into errors.
        raise _bomb_rejection(exc, max_pixels) from exc
    except UnidentifiedImageError as exc:
        raise _rejected_broken(kind) from exc
    except Exception as exc:  # Pillow reports broken headers in many ways
        raise _rejected_broken(kind) from exc

    with img:
        if img.format not in _PILLOW_FORMATS[kind]:
            raise _rejected_unsupported()
        width, height = img.size
        if width * height > max_pixels:
            raise _rejected_pixels(width * height, max_pixels)

        # 3. Decode fully. Truncated data must raise: never rely on (or
        #    change) the global ImageFile.LOAD_TRUNCATED_IMAGES; the
        #    structure check above catches truncation even if it is set.
        try:
            img.load()
        except Image.DecompressionBombError as exc:
            raise _bomb_rejection(exc, max_pixels) from exc
        except Exception as exc:
            raise _rejected_broken(kind) from exc
        if on_decoded is not None and kind != "jpeg":
            on_decoded(img)
    return width, height


def _bomb_rejection(exc: Exception, max_pixels: int) -> RejectedFile:
    match = re.search(r"\((\d+) pixels\)", str(exc))
    limit = max_pixels if Image.MAX_IMAGE_PIXELS is None else min(max_pixels, Image.MAX_IMAGE_PIXELS)
    if match:
        return _rejected_pixels(int(match.group(1)), limit)
    return RejectedFile("The image has too many pixels to be processed safely.", status_code=400)


def _read(file, size: int) -> bytes:
    data = file.read(size)
    return data if data is not None else b""


def _check_png_structure(file) -> None:
    """Walk the chunks, verify each CRC, stop at IEND; nothing may follow."""
    if _read(file, 8) != _PNG_MAGIC:
        raise _rejected_broken("png")
    first = True
    while True:
        header = _read(file, 8)
        if len(header) < 8:
            raise _rejected_broken("png")
        length, chunk_type = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF or not chunk_type.isalpha() or (first and chunk_type != b"IHDR"):
            raise _rejected_broken("png")
        first = False
        crc = zlib.crc32(chunk_type)
        remaining = length
        while remaining:
            block = _read(file, min(remaining, _BLOCK))
            if not block:
                raise _rejected_broken("png")
            crc = zlib.crc32(block, crc)
            remaining -= len(block)
        stored = _read(file, 4)
        if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc:
            raise _rejected_broken("png")
        if chunk_type == b"IEND":
            break
    if _read(file, 1):
        raise _rejected_polyglot("png", "it has extra data after the image")


def _check_jpeg_structure(file) -> None:
    """The first image ends at its EOI marker; after it only what its MPF index declares may follow.

    Cameras store further pictures after the first one (stereo pairs, Ultra
    HDR gain maps of phone photos, previews) and list each in an MPF index
    (APP2 "MPF\\0") with its offset and size; refusing those files would refuse
    many phone photos. So they are accepted when every further picture is a
    complete JPEG exactly where and exactly as long as the index says and
    together they fill the rest of the file. Any other byte after EOI (a ZIP,
    a script, a motion photo's video, a vendor trailer) makes the file more
    than a JPEG: 415, as for PNG and WebP.
    """
    end, mpf = _jpeg_scan(file, 0)
    if end is None:
        raise _rejected_broken("jpeg")
    size = file.seek(0, io.SEEK_END)
    if end == size:
        return
    if _contains_zip_signature(file, end):
        raise _rejected_polyglot("jpeg", "a ZIP archive follows the image")
    declared = _mpf_further_images(file, *mpf) if mpf else []
    if not declared:
        raise _rejected_polyglot("jpeg", "it has extra data after the image")
    undeclared = _rejected_polyglot("jpeg", "it has data after the image that its MPF index does not declare")
    position = end
    for offset, length in declared:
        if offset != position:
            raise undeclared
        if offset + length > size:
            raise _rejected_broken("jpeg")
        file.seek(offset)
        if _read(file, 3) != _JPEG_MAGIC:
            raise undeclared
        image_end, _ = _jpeg_scan(file, offset, find_mpf=False)
        if image_end is None:
            raise _rejected_broken("jpeg")
        if image_end != offset + length:
            raise undeclared
        position = image_end
    if position != size:
        raise undeclared


# An MPF index lists at most this many pictures here (cameras write 2 to 9).
_MPF_MAX_IMAGES = 64


def _mpf_further_images(file, header: int, length: int) -> list[tuple[int, int]]:
    """(file offset, size) of each picture after the first that an MPF index declares, by offset.

    ``header`` is the file offset of the index's TIFF header (offsets in the
    index count from there). A malformed index declares nothing.
    """
    file.seek(header)
    data = _read(file, length)
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return []
    order = "<" if data[:2] == b"II" else ">"
    magic, ifd = struct.unpack(order + "HI", data[2:8])
    if magic != 42 or ifd + 2 > len(data):
        return []
    (count,) = struct.unpack(order + "H", data[ifd : ifd + 2])
    entries = None
    for i in range(count):
        at = ifd + 2 + 12 * i
        if at + 12 > len(data):
            return []
        tag, _type, number, value = struct.unpack(order + "HHII", data[at : at + 12])
        if tag == 0xB002:  # MP Entry: 16 bytes per picture
            entries = (value, number)
    if entries is None:
        return []
    start, number = entries
    if number % 16 or not 16 <= number <= 16 * _MPF_MAX_IMAGES or start + number > len(data):
        return []
    images = []
    for k in range(1, number // 16):  # entry 0 is the first picture itself
        _attribute, size, offset = struct.unpack(order + "III", data[start + 16 * k : start + 16 * k + 12])
        if size == 0 or offset == 0:
            return []
        images.append((header + offset, size))
    return sorted(images)


def _jpeg_scan(file, start: int, *, find_mpf: bool = True) -> tuple[int | None, tuple[int, int] | None]:
    """Walk the image starting at ``start`` (its SOI).

    Returns the offset just past its EOI marker (None if truncated) and, when
    ``find_mpf``, where its MPF index is: (offset of its TIFF header, length).
    """
    mpf = None
    file.seek(start + 2)  # after SOI
    while True:
        byte = _read(file, 1)
        if not byte:
            return None, mpf
        if byte != b"\xff":
            continue  # stray bytes between segments; libjpeg skips them too
        marker = _read(file, 1)
        while marker == b"\xff":  # fill bytes
            marker = _read(file, 1)
        if not marker:
            return None, mpf
        code = marker[0]
        if code == 0xD9:  # EOI
            return file.tell(), mpf
        if code in (0x00, 0x01) or 0xD0 <= code <= 0xD7:  # no length field
            continue
        raw_length = _read(file, 2)
        if len(raw_length) < 2:
            return None, mpf
        length = struct.unpack(">H", raw_length)[0]
        if length < 2:
            return None, mpf
        segment = file.tell()
        if find_mpf and mpf is None and code == 0xE2 and length >= 6 and _read(file, 4) == b"MPF\x00":
            mpf = (segment + 4, length - 6)
        file.seek(segment + length - 2)
        if code == 0xDA:  # SOS: entropy-coded data follows until the next marker
            marker_at = _jpeg_scan_entropy(file)
            if marker_at is None:
                return None, mpf
            file.seek(marker_at)


def _jpeg_scan_entropy(file) -> int | None:
    """Offset of the next real marker (0xFF not followed by 00, FF or RSTn)."""
    base = file.tell()
    buf = b""
    i = 0
    while True:
        j = buf.find(b"\xff", i)
        if j == -1 or j + 1 >= len(buf):
            chunk = _read(file, _BLOCK)
            if not chunk:
                return None
            keep_from = len(buf) if j == -1 else j
            base += keep_from
            buf = buf[keep_from:] + chunk
            i = 0
            continue
        following = buf[j + 1]
        if following in (0x00, 0xFF) or 0xD0 <= following <= 0xD7:
            i = j + 1
            continue
        return base + j


def _check_webp_structure(file) -> None:
    """The RIFF length must cover exactly the file."""
    header = _read(file, 12)
    if len(header) < 12:
        raise _rejected_broken("webp")
    riff_size = struct.unpack("<I", header[4:8])[0]
    expected = 8 + riff_size + (riff_size & 1)
    actual = file.seek(0, io.SEEK_END)
    if actual < 8 + riff_size:
        raise _rejected_broken("webp")
    if actual > expected:
        raise _rejected_polyglot("webp", "it has extra data after the image")


def _contains_zip_signature(file, start: int) -> bool:
    """A ZIP local file header or end-of-central-directory signature at or after ``start``."""
    file.seek(start)
    tail = b""
    while True:
        block = _read(file, _BLOCK)
        if not block:
            return False
        window = tail + block
        if any(sig in window for sig in _ZIP_SIGNATURES):
            return True
        tail = window[-3:]


def _has_zip_central_directory(file) -> bool:
    """Whether ZIP readers would find an archive in this file.

    They look for the end-of-central-directory record in the last 64 KiB
    (plus its 22 bytes) and read the central directory just before it. A
    matching record whose central directory starts with ``PK\\x01\\x02``
    means the file is also a ZIP archive, wherever its members are hidden
    (for instance inside an ancillary PNG chunk).
    """
    size = file.seek(0, io.SEEK_END)
    start = max(0, size - (0xFFFF + 22))
    file.seek(start)
    tail = _read(file, size - start)
    pos = tail.rfind(b"PK\x05\x06")
    while pos != -1:
        record = tail[pos : pos + 22]
        if len(record) == 22:
            cd_size, cd_offset = struct.unpack("<II", record[12:20])
            cd_start = start + pos - cd_size
            if cd_size >= 46 and cd_start >= 0:
                file.seek(cd_start)
                if _read(file, 4) == b"PK\x01\x02":
                    return True
            if cd_size >= 46 and cd_offset + 4 <= size:
                file.seek(cd_offset)
                if _read(file, 4) == b"PK\x01\x02":
                    return True
        pos = tail.rfind(b"PK\x05\x06", 0, pos)
    return False


def _thumbnail_mode(img: Image.Image) -> Image.Image:
    """Convert to RGB, or RGBA when the image has transparency."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif img.mode == "F":
        img = img.convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
    if has_alpha:
        return img.convert("RGBA")
    if img.mode != "RGB":
        return img.convert("RGB")  # L, 1, P, CMYK, YCbCr, ...
    return img


# --------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Editor metadata that survives, and only inside <metadata>: RDF with Dublin
# Core and Creative Commons terms (title, creator, licence name). Browsers
# neither render nor fetch these elements and their text is plain text, so
# they are harmless; their attributes go (rdf:about and rdf:resource hold
# URIs, and a stored SVG holds no URL at all: one rule, easy to check).
# Inkscape's and sodipodi's namespaces are dropped entirely: editor state
# (zoom, window size, layer labels) and paths on the uploader's machine
# (sodipodi:docname, inkscape:export-filename), nothing the picture needs.
_METADATA_NAMESPACES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://creativecommons.org/ns#": "cc",
}

# Serialise the SVG namespace as the default one and XLink as "xlink" so the
# output reads like a normal SVG (ElementTree keeps one global prefix map).
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
for _uri, _prefix in _METADATA_NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

# The sanitiser is an allow-list: an element not named here (in the SVG
# namespace, exact case, as XML compares names) is removed with everything in
# it; an attribute not named here is removed on its own. What is left is
# static SVG: shapes, text, paint servers, clipping, masking, filters and
# structure. Left out on purpose: script, foreignObject, animation (set,
# animate*, mpath, discard: "static SVG only", and animation can rewrite any
# attribute after it was checked), SVG fonts, cursor, color-profile and tref
# (they load other documents), view, and every element of another namespace
# (XHTML <style>, <iframe>, <script> would work inside an SVG document).
_SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "switch", "a", "title", "desc", "metadata", "style",
        "rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "image",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
        "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
        "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
        "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
        "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip

# Attributes kept on any allowed element (each value still passes the CSS
# check below). No on* handlers, no xml:base, no requiredExtensions (URIs),
# no target, no xlink:* other than href.
_SVG_ATTRIBUTES = frozenset(
    {
        # core, styling, conditional processing
        "id", "class", "style", "lang", f"{{{XML_NS}}}lang", f"{{{XML_NS}}}space", "systemLanguage",
        "tabindex", "media", "type",
        # geometry and coordinate systems
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width", "height",
        "d", "points", "pathLength", "transform", "viewBox", "preserveAspectRatio", "version", "baseProfile",
        "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits", "patternContentUnits",
        "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits", "markerUnits", "markerWidth",
        "markerHeight", "refX", "refY", "orient",
        # text
        "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
        # filters
        "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "operator",
        "k1", "k2", "k3", "k4", "values", "tableValues", "slope", "intercept", "amplitude", "exponent",
        "kernelMatrix", "kernelUnitLength", "order", "divisor", "bias", "targetX", "targetY", "edgeMode",
        "preserveAlpha", "surfaceScale", "diffuseConstant", "specularConstant", "specularExponent",
        "limitingConeAngle", "azimuth", "elevation", "pointsAtX", "pointsAtY", "pointsAtZ", "z", "scale",
        "xChannelSelector", "yChannelSelector", "radius", "baseFrequency", "numOctaves", "seed",
        "stitchTiles", "crossorigin",
        # presentation attributes
        "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
        "color-interpolation", "color-interpolation-filters", "color-rendering", "direction", "display",
        "dominant-baseline", "fill", "fill-opacity", "fill-rule", "filter", "flood-color", "flood-opacity",
        "font", "font-family", "font-size", "font-size-adjust", "font-stretch", "font-style",
        "font-variant", "font-weight", "glyph-orientation-horizontal", "glyph-orientation-vertical",
        "image-rendering", "isolation", "kerning", "letter-spacing", "lighting-color", "marker",
        "marker-start", "marker-mid", "marker-end", "mask", "mask-type", "mix-blend-mode", "opacity",
        "overflow", "paint-order", "pointer-events", "shape-rendering", "stop-color", "stop-opacity",
        "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-decoration",
        "text-rendering", "transform-box", "transform-origin", "unicode-bidi", "vector-effect",
        "visibility", "word-spacing", "writing-mode",
    }
)  # fmt: skip
_HREF_ATTRIBUTES = frozenset({"href", f"{{{XLINK_NS}}}href"})
# Elements whose href means something in static SVG; it may only name a
# #fragment of this document (plus an embedded raster picture on <image>).
_HREF_ELEMENTS = frozenset(
    {"a", "use", "image", "feImage", "linearGradient", "radialGradient", "pattern", "filter", "textPath"}
)

# CSS, read token by token as a browser reads it (tinycss2 follows CSS Syntax
# Level 3: escapes decoded, comments dropped, names case-insensitive). A value
# or stylesheet is kept only when every at-rule and function is on these
# lists and every url() names a #fragment; anything else (@import,
# @font-face, image-set(), expression(), src(), a url() to anywhere else, a
# token the parser cannot read) rejects the whole value or stylesheet.
_CSS_AT_RULES = frozenset({"media", "supports", "layer", "container", "keyframes", "-webkit-keyframes"})
_CSS_FUNCTIONS = frozenset(
    {
        # colours and arithmetic
        "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "color-mix",
        "light-dark", "calc", "min", "max", "clamp", "round", "mod", "rem", "abs", "sign", "sin", "cos",
        "tan", "asin", "acos", "atan", "atan2", "pow", "sqrt", "hypot", "log", "exp", "var",
        # transforms
        "matrix", "matrix3d", "translate", "translatex", "translatey", "translatez", "translate3d",
        "scale", "scalex", "scaley", "scalez", "scale3d", "rotate", "rotatex", "rotatey", "rotatez",
        "rotate3d", "skew", "skewx", "skewy", "perspective",
        # filter functions, gradients, shapes, timing
        "blur", "brightness", "contrast", "drop-shadow", "grayscale", "hue-rotate", "invert", "opacity",
        "saturate", "sepia", "linear-gradient", "radial-gradient", "conic-gradient",
        "repeating-linear-gradient", "repeating-radial-gradient", "repeating-conic-gradient",
        "inset", "circle", "ellipse", "polygon", "path", "rect", "xywh", "cubic-bezier", "steps", "linear",
        # selectors
        "not", "is", "where", "has", "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type",
        "lang", "dir",
    }
)  # fmt: skip
# Names that only ever load code (old IE / Firefox); refused even without url().
_CSS_FORBIDDEN_NAMES = frozenset({"behavior", "-moz-binding"})
# What a URL parser strips from both ends before looking at a URL.
_URL_STRIPPED = "".join(chr(code) for code in range(0x21))

_PROLOG_RE = re.compile(
    r"""\A\s*(?:<\?xml\s[^>]*?\?>)?(?:\s+|<!--.*?-->)*""",
    re.DOTALL,
)
_SVG_START_RE = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")
_SVG_DOCTYPE_RE = re.compile(r"<!DOCTYPE\s+(?:[A-Za-z_][\w.-]*:)?svg[\s\[>]")
_ENCODING_RE = re.compile(r"""\A\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CONTROL_OR_SPACE_RE = re.compile(r"[\x00-\x20\x7f]+")
_DATA_IMAGE_RE = re.compile(r"\Adata:image/(?:png|jpeg|webp);base64,[A-Za-z0-9+/=]*\Z", re.IGNORECASE)
# Without "(", "@", a backslash, quotes or braces, CSS can name no URL, function or
# at-rule and hide nothing behind escapes: such a value loads nothing.
_PLAIN_VALUE_RE = re.compile(r"\A[A-Za-z0-9\s.,:;!%#+_-]*\Z")
_LENGTH_RE = re.compile(r"\A\s*\+?((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(?:px)?\s*\Z")


def _looks_like_svg(head: bytes) -> bool:
    """Text whose first element (after prolog and comments) is <svg> or an SVG DOCTYPE."""
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    if not head or b"\x00" in head:
        return False
    # Only the prolog and the first tag matter here; invalid UTF-8 further on
    # is reported (400) when the whole document is decoded.
    text = head.decode("utf-8", errors="replace")
    prolog = _PROLOG_RE.match(text)
    rest = text[prolog.end() :] if prolog else text
    return bool(_SVG_START_RE.match(rest) or _SVG_DOCTYPE_RE.match(rest))


def _svg_error(message: str) -> RejectedFile:
    return RejectedFile(message, status_code=400)


def _inspect_svg(data: bytes) -> tuple[bytes, int | None, int | None]:
    if len(data) > MAX_SVG_BYTES:
        raise _svg_error(f"The SVG file is larger than {MAX_SVG_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _svg_error("The SVG file is not valid UTF-8 text.") from exc
    declared = _ENCODING_RE.match(text)
    if declared and declared.group(1).lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise _svg_error("SVG files must be UTF-8 encoded.")
    try:
        root = DefusedET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:
        raise _svg_error("SVG files with a DOCTYPE are not accepted.") from exc
    except defusedxml.EntitiesForbidden as exc:
        raise _svg_error("SVG files with entity declarations are not accepted.") from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise _svg_error("SVG files with external entity references are not accepted.") from exc
    except defusedxml.DefusedXmlException as exc:
        raise _svg_error("The SVG file uses XML features that are not accepted.") from exc
    except ET.ParseError as exc:
        line, column = exc.position
        raise _svg_error(f"The SVG file is not well-formed XML (line {line}, column {column}).") from exc

    if root.tag != f"{{{SVG_NS}}}svg":
        raise RejectedFile(
            "The file is XML but not an SVG image (the root must be <svg> in the SVG namespace).",
            status_code=415,
        )
    _sanitize_svg(root)
    # The document is written anew from the cleaned tree: whatever stood
    # outside the root element (processing instructions such as
    # <?xml-stylesheet?>, comments) is gone.
    body = ET.tostring(root, encoding="unicode")
    sanitized = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
    width, height = _svg_size(root)
    return sanitized, width, height


def _split_name(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return None, name


def _sanitize_svg(root: ET.Element) -> None:
    _sanitize_attributes(root)
    stack: list[tuple[ET.Element, int, bool]] = [(root, 1, False)]
    while stack:
        parent, depth, in_metadata = stack.pop()
        if depth > MAX_SVG_DEPTH:
            raise _svg_error(f"The SVG file is nested more than {MAX_SVG_DEPTH} elements deep.")
        # Each parent's children are rebuilt in one pass (a 10 MB upload can
        # hold a million siblings: removing them one by one, or appending each
        # removed child's tail to the same string, would be quadratic).
        kept: list[ET.Element] = []
        text: list[str] = [parent.text or ""]  # what goes before kept[0], or after kept[-1]
        for child in parent:
            if not _child_is_kept(child, in_metadata=in_metadata):
                text.append(child.tail or "")  # text after a removed element stays in the document
                continue
            _text_set(parent, kept, text)
            kept.append(child)
            text = [child.tail or ""]
            local = _split_name(child.tag)[1]
            if in_metadata or local != "style":  # a kept <style> has no children left
                stack.append((child, depth + 1, in_metadata or local == "metadata"))
        _text_set(parent, kept, text)
        parent[:] = kept


def _child_is_kept(child: ET.Element, *, in_metadata: bool) -> bool:
    """Whether ``child`` stays; a kept child's attributes (and a <style>'s text) are made safe."""
    if not _element_is_allowed(child, in_metadata=in_metadata):
        return False
    if in_metadata:
        child.attrib.clear()
        return True
    _sanitize_attributes(child)
    return _split_name(child.tag)[1] != "style" or _keep_stylesheet(child)


def _text_set(parent: ET.Element, kept: list[ET.Element], pieces: list[str]) -> None:
    """Store ``pieces`` as the text after the last kept child (the parent's own text when there is none)."""
    joined = "".join(pieces) or None
    if kept:
        kept[-1].tail = joined
    else:
        parent.text = joined


def _element_is_allowed(element: ET.Element, *, in_metadata: bool) -> bool:
    if not isinstance(element.tag, str):  # comments, processing instructions
        return False
    ns, local = _split_name(element.tag)
    if in_metadata:
        return ns in _METADATA_NAMESPACES
    return ns == SVG_NS and local in _SVG_ELEMENTS


def _keep_stylesheet(style: ET.Element) -> bool:
    """Make ``style`` hold one checked stylesheet; False when it must go.

    A browser applies the concatenation of all text directly inside <style>:
    its text, CDATA sections (the parser already merged those) and the text
    after each child element. So that whole text is the stylesheet, and the
    children (never part of a stylesheet, never needed) are removed.
    """
    stylesheet = (style.text or "") + "".join(child.tail or "" for child in style)
    del style[:]
    style.text = stylesheet or None
    return _css_is_safe(tinycss2.parse_stylesheet(stylesheet))


def _sanitize_attributes(element: ET.Element) -> None:
    _, element_local = _split_name(element.tag)
    for key, value in list(element.attrib.items()):
        if not _attribute_is_safe(element_local, key, value):
            del element.attrib[key]


def _attribute_is_safe(element: str, key: str, value: str) -> bool:
    if key in _HREF_ATTRIBUTES:
        return element in _HREF_ELEMENTS and _href_is_safe(value, on_image=element == "image")
    if key not in _SVG_ATTRIBUTES:
        return False
    if _PLAIN_VALUE_RE.match(value):
        return True  # path data, numbers, names, colours: the tokenizer is slow on megabytes of these
    if key == "style":
        return _css_is_safe(tinycss2.parse_blocks_contents(value))
    # Presentation attributes are CSS values (fill="url(...)"); geometry and
    # names read as harmless CSS tokens, so one check covers every value.
    return _css_is_safe(tinycss2.parse_component_value_list(value))


def _href_is_safe(value: str, *, on_image: bool) -> bool:
    """Local fragment references only, plus embedded raster images on <image>."""
    compact = _CONTROL_OR_SPACE_RE.sub("", value)
    if compact.startswith("#"):
        return True
    return on_image and bool(_DATA_IMAGE_RE.match(compact))


def _css_is_safe(nodes: list) -> bool:
    """Whether parsed CSS loads nothing and runs nothing (see _CSS_FUNCTIONS)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "error":  # a browser's error recovery is not ours to guess
            return False
        if kind == "url":
            if not _css_url_is_local(node.value):
                return False
        elif kind == "function":
            if node.lower_name == "url":
                arguments = [arg for arg in node.arguments if arg.type not in ("whitespace", "comment")]
                if len(arguments) != 1 or arguments[0].type != "string":
                    return False
                if not _css_url_is_local(arguments[0].value):
                    return False
            elif node.lower_name not in _CSS_FUNCTIONS:
                return False
            else:
                stack.extend(node.arguments)
        elif kind == "at-rule":
            if node.lower_at_keyword not in _CSS_AT_RULES:
                return False
            stack.extend(node.prelude)
            stack.extend(node.content or ())
        elif kind == "at-keyword":  # an at-rule nested in a rule's block
            if node.lower_value not in _CSS_AT_RULES:
                return False
        elif kind == "qualified-rule":
            stack.extend(node.prelude)
            stack.extend(node.content)
        elif kind == "declaration":
            if node.lower_name in _CSS_FORBIDDEN_NAMES:
                return False
            stack.extend(node.value)
        elif kind == "ident":
            if node.lower_value in _CSS_FORBIDDEN_NAMES:
                return False
        elif kind in ("() block", "[] block", "{} block"):
            stack.extend(node.content)
    return True


def _css_url_is_local(value: str) -> bool:
    return value.strip(_URL_STRIPPED).startswith("#")


def _svg_length(value: str | None) -> float | None:
    if value is None:
        return None
    match = _LENGTH_RE.match(value)
    if not match:
        return None  # %, em, mm ... : not pixels
    number = float(match.group(1))
    return number if math.isfinite(number) and number > 0 else None


def _svg_view_box(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    parts = re.split(r"[\s,]+", value.strip())
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        return None
    return width, height


def _to_pixels(value: float | None) -> int | None:
    if value is None or value > 1_000_000_000:
        return None
    return max(1, round(value))


def _svg_size(root: ET.Element) -> tuple[int | None, int | None]:
    width = _svg_length(root.get("width"))
    height = _svg_length(root.get("height"))
    view_box = _svg_view_box(root.get("viewBox"))
    if view_box:
        if width is None and height is not None:
            width = height * view_box[0] / view_box[1]
        elif height is None and width is not None:
            height = width * view_box[1] / view_box[0]
        elif width is None and height is None:
            width, height = view_box
    return _to_pixels(width), _to_pixels(height)
