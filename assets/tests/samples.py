"""Sample uploads for the validation tests, generated in code (no binary fixtures)."""

from __future__ import annotations

import functools
import io
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Any

from PIL import Image

from assets.validation import InspectedFile, inspect_upload

MAX_PIXELS = 40_000_000
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


# --------------------------------------------------------------------------
# Raster images
# --------------------------------------------------------------------------


def picture(width: int = 64, height: int = 48, mode: str = "RGB") -> Image.Image:
    """A deterministic picture with detail (so compressed data is not trivial)."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = Image.linear_gradient("L").rotate(90).resize((width, height))
    img = Image.merge("RGB", (red, green, blue))
    return img if mode == "RGB" else img.convert(mode)


def encode(img: Image.Image, fmt: str, **save_options) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **save_options)
    return out.getvalue()


def png_bytes(width: int = 64, height: int = 48, mode: str = "RGB", **save_options) -> bytes:
    return encode(picture(width, height, mode), "PNG", **save_options)


def jpeg_bytes(width: int = 64, height: int = 48, mode: str = "RGB", *, orientation: int | None = None) -> bytes:
    options: dict[str, Any] = {"quality": 90}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation  # Orientation
        options["exif"] = exif.tobytes()
    return encode(picture(width, height, mode), "JPEG", **options)


def mpo_bytes(*sizes: tuple[int, int]) -> bytes:
    """A multi-picture JPEG as cameras write it: pictures one after another, listed in an MPF index."""
    images = [picture(width, height) for width, height in sizes or ((64, 48), (32, 24))]
    data = encode(images[0], "MPO", save_all=True, append_images=images[1:], quality=90)
    # Pillow 13 declares a wrong size for the third and later pictures (it
    # subtracts the previous size, not the previous offset); cameras do not.
    header, order, entries = _mpf_entries(data)
    for k, (entry, _size, offset) in enumerate(entries[1:], start=1):
        end = header + entries[k + 1][2] if k + 1 < len(entries) else len(data)
        data = data[: entry + 4] + struct.pack(order + "I", end - header - offset) + data[entry + 8 :]
    return data


def _mpf_entries(data: bytes) -> tuple[int, str, list[tuple[int, int, int]]]:
    """The MPF index's TIFF header offset, byte order and (file offset, size, offset) of each MP entry."""
    header = data.index(b"MPF\x00") + 4  # offsets in the index count from here
    order = "<" if data[header : header + 2] == b"II" else ">"
    ifd = struct.unpack(order + "I", data[header + 4 : header + 8])[0]
    count = struct.unpack(order + "H", data[header + ifd : header + ifd + 2])[0]
    for i in range(count):
        at = header + ifd + 2 + 12 * i
        tag, _type, number, value = struct.unpack(order + "HHII", data[at : at + 12])
        if tag == 0xB002:  # MP Entry, 16 bytes per picture
            entries = []
            for k in range(number // 16):
                entry = header + value + 16 * k
                size, offset = struct.unpack(order + "II", data[entry + 4 : entry + 12])
                entries.append((entry, size, offset))
            return header, order, entries
    raise ValueError("no MP Entry tag in the MPF index")


def mpo_with_changed_entry(data: bytes, index: int, *, size_change: int = 0, offset_change: int = 0) -> bytes:
    """Change the size or offset the MPF index declares for picture ``index`` (the index stays well-formed)."""
    _header, order, entries = _mpf_entries(data)
    entry, size, offset = entries[index]
    changed = struct.pack(order + "II", size + size_change, offset + offset_change)
    return data[: entry + 4] + changed + data[entry + 12 :]


def webp_bytes(width: int = 64, height: int = 48, mode: str = "RGB", **save_options) -> bytes:
    return encode(picture(width, height, mode), "WEBP", **save_options)


def gif_bytes(width: int = 16, height: int = 16) -> bytes:
    return encode(picture(width, height, "P"), "GIF")


def bmp_bytes(width: int = 16, height: int = 16) -> bytes:
    return encode(picture(width, height), "BMP")


def palette_png_with_transparency(width: int = 64, height: int = 48) -> bytes:
    img = picture(width, height, "P")
    return encode(img, "PNG", transparency=img.getpixel((0, 0)))  # the top-left colour is transparent


def animated_bytes(fmt: str, width: int = 32, height: int = 24, frames: int = 3) -> bytes:
    images = [picture(width, height).rotate(30 * i) for i in range(frames)]
    return encode(images[0], fmt, save_all=True, append_images=images[1:], duration=100, loop=0)


@functools.lru_cache(maxsize=1)
def png_bomb_bytes(width: int = 10_000, height: int = 10_000) -> bytes:
    """A 1-bit PNG of 100 million pixels: about 12 KB on disk, 100 MB+ once decoded as RGB."""
    return encode(Image.new("1", (width, height)), "PNG", optimize=True)


def png_chunks(data: bytes) -> list[tuple[int, bytes]]:
    """(offset, type) of every chunk in a PNG."""
    chunks = []
    pos = 8
    while pos < len(data):
        length, chunk_type = struct.unpack(">I4s", data[pos : pos + 8])
        chunks.append((pos, chunk_type))
        pos += 12 + length
    return chunks


def png_chunk(chunk_type: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + chunk_type + payload + struct.pack(">I", zlib.crc32(chunk_type + payload))


def png_with_chunk_before_iend(data: bytes, chunk: bytes) -> bytes:
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + chunk + data[iend:]


def png_with_flipped_idat_byte(data: bytes) -> bytes:
    """Flip one bit inside the IDAT payload: its CRC no longer matches."""
    offset = next(pos for pos, chunk_type in png_chunks(data) if chunk_type == b"IDAT")
    target = offset + 8 + 20
    return data[:target] + bytes([data[target] ^ 0x01]) + data[target + 1 :]


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
        archive.writestr("readme.txt", "hidden")
    return out.getvalue()


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 44


def pe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --------------------------------------------------------------------------
# SVG documents
# --------------------------------------------------------------------------


def svg_bytes(body: str = "", *, attrs: str = 'width="120" height="80"', prolog: str = "") -> bytes:
    return (
        f'{prolog}<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" {attrs}>'
        f'<rect id="board" x="10" y="5" width="100" height="70" fill="#336699" stroke="black"/>'
        f"{body}</svg>"
    ).encode()


def svg_with_script() -> bytes:
    return svg_bytes('<script type="text/javascript">alert(document.cookie)</script><circle r="4"/>')


def svg_with_onload() -> bytes:
    return svg_bytes(attrs='width="120" height="80" onload="alert(1)"')


def svg_with_foreign_object() -> bytes:
    return svg_bytes(
        '<foreignObject width="100" height="50">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"/></div>'
        "</foreignObject>"
    )


def billion_laughs_svg() -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        entities.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE svg [{"".join(entities)}]>\n'
        f'<svg xmlns="{SVG_NS}" width="10" height="10"><text>&lol9;</text></svg>'
    ).encode()


def xxe_svg() -> bytes:
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<svg xmlns="{SVG_NS}" width="10" height="10"><text>&xxe;</text></svg>'
    ).encode()


def doctype_svg() -> bytes:
    return (
        '<?xml version="1.0" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        f'<svg xmlns="{SVG_NS}" width="10" height="10"><rect width="5" height="5"/></svg>'
    ).encode()


# --------------------------------------------------------------------------
# Helpers for the tests
# --------------------------------------------------------------------------


def inspect_bytes(data: bytes, *, max_pixels: int = MAX_PIXELS) -> InspectedFile:
    return inspect_upload(io.BytesIO(data), max_pixels=max_pixels)


def sanitized_svg(data: bytes) -> bytes:
    """The sanitised document for an SVG upload (which must be accepted)."""
    result = inspect_bytes(data)
    assert result.kind == "svg"
    assert result.sanitized is not None
    return result.sanitized


def parse_svg(data: bytes) -> ET.Element:
    """Parse sanitised output (our own, trusted) for assertions."""
    return ET.fromstring(data)  # noqa: S314 - parses our own sanitised output in tests


def svg_tag(local: str) -> str:
    return f"{{{SVG_NS}}}{local}"


def all_attribute_values(root: ET.Element) -> list[str]:
    return [value for element in root.iter() for value in element.attrib.values()]


def all_hrefs(root: ET.Element) -> list[str]:
    return [
        value
        for element in root.iter()
        for key, value in element.attrib.items()
        if key in ("href", f"{{{XLINK_NS}}}href")
    ]


def png_with_idat_payload(data: bytes, payload: bytes) -> bytes:
    """Replace the (single) IDAT chunk's payload, with a correct CRC: the structure stays valid."""
    offset = next(pos for pos, chunk_type in png_chunks(data) if chunk_type == b"IDAT")
    length = struct.unpack(">I", data[offset : offset + 4])[0]
    return data[:offset] + png_chunk(b"IDAT", payload) + data[offset + 12 + length :]


def webp_with_scrambled_bitstream(data: bytes) -> bytes:
    """Scramble the compressed picture but keep the RIFF container (sizes) intact."""
    scrambled = bytearray(data)
    for i in range(60, len(scrambled), 7):
        scrambled[i] ^= 0x55
    return bytes(scrambled)
