"""Stops an upload while it streams in, as soon as it is larger than BOARD_ASSET_MAX_BYTES."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from rest_framework import status
from rest_framework.exceptions import APIException

# Room for the multipart boundaries and the small form fields beside the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        super().__init__(f"The file is larger than {settings.BOARD_ASSET_MAX_BYTES} bytes (BOARD_ASSET_MAX_BYTES).")


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the chain: refuses an announced oversize body, then counts each file's bytes.

    The handlers after it (Django's TemporaryFileUploadHandler) write the
    upload to a temporary file, so it is never wholly in memory; raising here
    stops reading, and that temporary file goes with the request.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 -- Django's name
        if content_length and content_length > settings.BOARD_ASSET_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise UploadTooLarge()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.BOARD_ASSET_MAX_BYTES:
            raise UploadTooLarge()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file
