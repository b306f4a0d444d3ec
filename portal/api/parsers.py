"""JSON in: bounded in size and depth, and free of NUL characters, or a clear 400/413."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def _nesting_depth(raw: bytes) -> int:
    """Deepest nesting of arrays and objects, found without parsing (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class PortalJSONParser(JSONParser):
    """DRF's JSON parser behind three checks that would otherwise end in a 500 or a 32-page PDF:
    the body's size, its nesting depth (Python's recursion limit) and NUL characters (which
    PostgreSQL text cannot hold)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(
                _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
            )
        if _nesting_depth(raw) > settings.API_JSON_MAX_DEPTH:
            raise ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.")
                % {"depth": settings.API_JSON_MAX_DEPTH}
            )
        data = super().parse(BytesIO(raw), media_type, parser_context)
        if _has_nul(data):
            raise ParseError(_("Text may not contain NUL characters."))
        return data
