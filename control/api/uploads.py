"""The size limit of G-code uploads: the board assets' streaming check with PRINTER_FILE_MAX_BYTES."""

from assets.api.uploads import SizeLimitUploadHandler


class PrinterFileSizeLimit(SizeLimitUploadHandler):
    """Refuses (413) an upload larger than PRINTER_FILE_MAX_BYTES while it streams in, before it is all on disk."""

    limit_setting = "PRINTER_FILE_MAX_BYTES"
