import pytest

from assets.tests import samples
from assets.tests.samples import inspect_bytes
from assets.validation import RejectedFile

UNSUPPORTED = {
    "html": b"<!DOCTYPE html><html><body><svg xmlns='http://www.w3.org/2000/svg'></svg></body></html>",
    "html-lowercase": b"<html><head><script>alert(1)</script></head></html>",
    "pdf": samples.pdf_bytes(),
    "zip": samples.zip_bytes(),
    "elf": samples.elf_bytes(),
    "pe": samples.pe_bytes(),
    "gif": samples.gif_bytes(),
    "bmp": samples.bmp_bytes(),
    "riff-wave": b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 24,
    "empty": b"",
    "text": b"hello, this is a plain text file\n",
    "svg-later-in-text": b"some text <svg xmlns='http://www.w3.org/2000/svg'></svg>",
    "xml-other-root": b'<?xml version="1.0"?><note><to>x</to></note>',
    "binary-junk": bytes(range(256)) * 4,
    "latin1-text": "caf\xe9 <svg>".encode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_type_is_rejected_with_415(name):
    with pytest.raises(RejectedFile) as caught:
        inspect_bytes(UNSUPPORTED[name])

    assert caught.value.status_code == 415
    assert str(caught.value) == "The file is not a PNG, JPEG, WebP or SVG image."
