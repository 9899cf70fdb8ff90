"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

Its own module: rest_framework.views reads DEFAULT_PARSER_CLASSES while it is
imported, so this must not import it (klipperiwc_site.api does).
"""

import io

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from klipperiwc_site.json_limits import JsonTooDeep, json_depth_check


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing nesting deeper than json_limits allows (a 400, not a RecursionError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        try:
            json_depth_check(body)
        except JsonTooDeep as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return super().parse(io.BytesIO(body), media_type, parser_context)
