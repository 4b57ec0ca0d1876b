"""A response whose bytes are already made: the renderers' answers skip Starlette's header
assembly (``Response.init_headers`` was a tenth of a cached list read's cost)."""

from __future__ import annotations

from typing import Mapping

from starlette.responses import Response


class BytesResponse(Response):
    """``Response(body, status, headers, media_type)`` for a body already in bytes."""

    def __init__(self, body: bytes, status_code: int = 200, media_type: str = "application/json",
                 headers: Mapping[str, str] | None = None) -> None:
        self.status_code = status_code
        self.media_type = media_type
        self.background = None
        self.body = body
        # The order Starlette writes: the caller's headers, then length and type.
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()] if headers else []
        raw.append((b"content-length", str(len(body)).encode("latin-1")))
        raw.append((b"content-type", _media(media_type)))
        self.raw_headers = raw


_MEDIA: dict[str, bytes] = {}


def _media(media_type: str) -> bytes:
    """The content-type header value, as Starlette writes it (``charset`` added to text types)."""
    value = _MEDIA.get(media_type)
    if value is None:
        text = media_type
        if text.startswith("text/") and "charset=" not in text.lower():
            text += "; charset=utf-8"
        value = _MEDIA[media_type] = text.encode("latin-1")
    return value
