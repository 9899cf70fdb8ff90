import io

import pytest
from PIL import Image

from assets.tests.samples import animated_bytes, encode, jpeg_bytes, palette_png_with_transparency, picture, png_bytes
from assets.validation import make_thumbnail


def thumbnail_image(data: bytes, kind: str) -> Image.Image:
    img = Image.open(io.BytesIO(make_thumbnail(io.BytesIO(data), kind=kind)))
    img.load()
    return img


def test_palette_png_with_transparency_keeps_alpha():
    img = thumbnail_image(palette_png_with_transparency(400, 200), "png")

    assert img.mode == "RGBA"
    assert img.getchannel("A").getextrema()[0] < 255


def test_rgba_png_keeps_alpha():
    source = picture(400, 200, "RGBA")
    source.putalpha(128)

    img = thumbnail_image(encode(source, "PNG"), "png")

    assert img.mode == "RGBA"
    assert img.getchannel("A").getextrema() == (128, 128)


def test_cmyk_jpeg_becomes_rgb():
    img = thumbnail_image(jpeg_bytes(400, 200, "CMYK"), "jpeg")

    assert img.mode == "RGB"
    assert img.size == (320, 160)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "I;16"])
def test_other_png_modes_make_a_thumbnail(mode):
    source = picture(400, 200, "L").convert(mode) if mode == "I;16" else picture(400, 200, mode)

    img = thumbnail_image(encode(source, "PNG"), "png")

    assert img.size == (320, 160)
    assert img.mode in ("RGB", "RGBA")


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    source = Image.new("I;16", (40, 20), 30000)  # mid grey in 16 bits

    img = thumbnail_image(encode(source, "PNG"), "png")

    assert 100 < img.convert("L").getpixel((5, 5)) < 140


def test_animated_image_uses_its_first_frame():
    img = thumbnail_image(animated_bytes("WEBP", 32, 24), "webp")

    assert img.size == (32, 24)
    assert getattr(img, "n_frames", 1) == 1


def test_png_thumbnail_from_a_png():
    assert thumbnail_image(png_bytes(10, 10), "png").size == (10, 10)
