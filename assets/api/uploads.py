"""Stops an upload while it streams in, as soon as it is larger than its limit (BOARD_ASSET_MAX_BYTES by default).

Other uploads (printer G-code files, control/api/uploads.py) subclass the
handler and name their own setting in ``limit_setting``.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from rest_framework import status
from rest_framework.exceptions import APIException

from klipperiwc_site import metrics

# Room for the multipart boundaries and the small form fields beside the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, setting: str = "BOARD_ASSET_MAX_BYTES") -> None:
        super().__init__(f"The file is larger than {getattr(settings, setting)} bytes ({setting}).")
        if setting == "BOARD_ASSET_MAX_BYTES":  # a board-asset upload stopped while it streamed in
            metrics.upload_refused("too_large")


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the chain: refuses an announced oversize body, then counts each file's bytes.

    The handlers after it (Django's TemporaryFileUploadHandler) write the
    upload to a temporary file, so it is never wholly in memory; raising here
    stops reading, and that temporary file goes with the request.
    """

    # The setting holding the largest file this handler lets through, in bytes.
    limit_setting = "BOARD_ASSET_MAX_BYTES"

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 -- Django's name
        if content_length and content_length > getattr(settings, self.limit_setting) + MULTIPART_OVERHEAD_BYTES:
            raise UploadTooLarge(self.limit_setting)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > getattr(settings, self.limit_setting):
            raise UploadTooLarge(self.limit_setting)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file
