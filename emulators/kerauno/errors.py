"""Every Kerauno error string, once, and how an error becomes a response.

The doc shows two error bodies, ``{"error": "You must send an api key ('key')."}`` (lines
37-42, 78-83) and ``{"error": "No Results Found."}`` (lines 161-166). The other messages are
ours, written in the same "You must send a <label> ('<field>')." style with the doc's own
parameter labels; docs/FIDELITY.md lists them.
"""

from __future__ import annotations

from html import escape

from starlette.responses import Response

from ..core.formats import json_bytes
from ..vendor import BodyError, BodyTooLarge

# -- documented ------------------------------------------------------------------------------
MISSING_KEY = "You must send an api key ('key')."
NO_RESULTS = "No Results Found."
SUCCESS = "Success"
FAILURE = "Failure"
"""Make Call's ``response`` values (lines 44-56)."""

# -- ours, in the doc's style ---------------------------------------------------------------
INVALID_KEY = "You must send a valid api key ('key')."
MISSING_SRC = "You must send a source ('src')."
MISSING_DST = "You must send a destination ('dst')."
MISSING_TYPE = "You must send a report type ('type')."
INVALID_TYPE = "You must send a valid report type ('type')."
MISSING_START = "You must send a start date ('start_date')."
INVALID_START = "You must send a valid start date ('start_date')."
MISSING_END = "You must send an end date ('end_date')."
INVALID_END = "You must send a valid end date ('end_date')."
INVALID_EXPORT = "You must send a valid export type ('export_type')."
INVALID_BODY = "You must send a valid request body."
"""A JSON body that is not JSON (or nests deeper than PHP's json_decode reads), multipart
without its boundary, or a body cut short."""
BODY_TOO_LARGE = "You must send a request body of at most {limit} bytes."

# -- kinds: the HTTP status each would get when ``http_error_status`` is on ------------------
AUTH, PARAM, NOT_FOUND = "auth", "param", "not_found"
HTTP_STATUS = {AUTH: 401, PARAM: 400, NOT_FOUND: 404}
TOO_LARGE_STATUS = 413
"""A body over the limit is refused by the web server, before PHP: 413 whatever the setting."""

JSON_TYPE = "application/json"

# Apache's stock pages: the makecall/reporting scripts sit behind a PHP web server.
_APACHE_PAGE = ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
                "<title>{status} {title}</title>\n</head><body>\n<h1>{title}</h1>\n<p>{text}</p>\n"
                "</body></html>\n")
APACHE_404 = _APACHE_PAGE.format(status=404, title="Not Found",
                                 text="The requested URL was not found on this server.")
APACHE_405 = "The requested method {method} is not allowed for this URL."


class KeraunoError(Exception):
    """A refused request: ``{"error": message}``; nothing was changed."""

    def __init__(self, message: str, kind: str = PARAM) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def php_json(obj: object, status: int = 200) -> Response:
    """A body as PHP's ``json_encode`` writes it: compact, ``\\/`` and ``\\uXXXX`` escapes."""
    return Response(json_bytes(obj, ascii_only=True, escape_slashes=True), status_code=status,
                    media_type=JSON_TYPE)


def error_response(error: KeraunoError, http_status: bool) -> Response:
    return php_json({"error": error.message}, HTTP_STATUS[error.kind] if http_status else 200)


def body_error(error: BodyError, http_status: bool) -> Response:
    """A refused body in the ``{"error": ...}`` envelope; too large also closes the connection
    (the rest of the body is not worth reading)."""
    if isinstance(error, BodyTooLarge):
        response = php_json({"error": BODY_TOO_LARGE.format(limit=error.limit)}, TOO_LARGE_STATUS)
        response.headers["Connection"] = "close"
        return response
    return error_response(KeraunoError(INVALID_BODY), http_status)


def apache_405(method: str) -> Response:
    page = _APACHE_PAGE.format(status=405, title="Method Not Allowed", text=APACHE_405.format(method=escape(method)))
    return Response(page, status_code=405, media_type="text/html; charset=iso-8859-1",
                    headers={"Allow": "GET,POST,HEAD"})


def apache_404() -> Response:
    return Response(APACHE_404, status_code=404, media_type="text/html; charset=iso-8859-1")


def status_port_error(status: int) -> Response:
    """Unknown path (404) or wrong method (405) on the agent-status port: its one error body."""
    return php_json({"error": NO_RESULTS}, status)
