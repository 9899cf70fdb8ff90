from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from assets.tests.samples import MAX_PIXELS, jpeg_bytes, png_bytes, svg_bytes
from assets.validation import inspect_upload


def test_png_named_svg_is_still_png():
    upload = SimpleUploadedFile("board.svg", png_bytes(10, 12), content_type="image/svg+xml")

    result = inspect_upload(upload, max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("png", "image/png", "png")
    assert upload.tell() == 0


def test_svg_named_png_is_still_svg():
    upload = SimpleUploadedFile("board.png", svg_bytes(), content_type="image/png")

    result = inspect_upload(upload, max_pixels=MAX_PIXELS)

    assert (result.kind, result.content_type, result.extension) == ("svg", "image/svg+xml", "svg")


def test_upload_on_disk_is_inspected_and_rewound():
    upload = TemporaryUploadedFile("photo.webp", "image/webp", 0, None)
    try:
        upload.write(jpeg_bytes(33, 22))
        upload.flush()

        result = inspect_upload(upload, max_pixels=MAX_PIXELS)

        assert (result.kind, result.width, result.height) == ("jpeg", 33, 22)
        assert upload.tell() == 0
    finally:
        upload.close()
