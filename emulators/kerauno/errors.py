"""Every Kerauno error string, once, and how an error becomes a response.

The doc shows two error bodies, ``{"error": "You must send an api key ('key')."}`` (lines
38-42, 82-86) and ``{"error": "No Results Found."}`` (lines 163-166). The other messages are
ours, written in the same "You must send a <label> ('<field>')." style with the doc's own
parameter labels; docs/FIDELITY.md lists them.
"""

from __future__ import annotations

from html import escape

from starlette.responses import Response

from ..core.formats import json_bytes
from ..dialect import errors as k
from ..dialect.errors import Err, ErrorTable
from ..dialect.responses import BytesResponse

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
TOO_LARGE_STATUS = 413
"""A body over the limit is refused by the web server, before PHP: 413 whatever the setting."""

# -- the error table: every refusal, neutral or Kerauno's own, with its HTTP status -----------
JSON_TYPE = "application/json"
APACHE_PAGE = "apache_page"
"""``Err.code`` of an answer that is Apache's own HTML page, not the PHP scripts' JSON."""

# Apache's stock pages: the makecall/reporting scripts sit behind a PHP web server.
_APACHE_PAGE = ('<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
                "<title>{status} {title}</title>\n</head><body>\n<h1>{title}</h1>\n<p>{text}</p>\n"
                "</body></html>\n")
APACHE_404 = _APACHE_PAGE.format(status=404, title="Not Found",
                                 text="The requested URL was not found on this server.")
APACHE_405 = "The requested method {method} is not allowed for this URL."
APACHE_ALLOW = "GET,POST,HEAD"


def param(message: str) -> Err:
    return Err(400, message)


_COMMON = {
    k.UNAUTHENTICATED: Err(401, MISSING_KEY),
    k.BAD_CREDENTIAL: Err(401, INVALID_KEY),
    # Every parameter declares its own messages; these answer what no parameter names.
    k.PARAM_INVALID: Err(400, INVALID_BODY),
    k.BAD_BODY: Err(400, INVALID_BODY),
    k.BODY_TOO_LARGE: Err(TOO_LARGE_STATUS, BODY_TOO_LARGE, headers={"Connection": "close"}),
    k.INTERNAL: Err(500, FAILURE),
    "not_found": Err(404, NO_RESULTS),
}

WEB_ERRORS = ErrorTable({
    **_COMMON,
    k.NO_ROUTE: Err(404, APACHE_404, APACHE_PAGE),
    k.METHOD_NOT_ALLOWED: Err(405, APACHE_405, APACHE_PAGE),
})
"""Port 80: the PHP scripts' JSON errors, Apache's pages for unknown paths and methods."""

STATUS_ERRORS = ErrorTable({
    **_COMMON,
    k.NO_ROUTE: Err(404, NO_RESULTS),
    k.METHOD_NOT_ALLOWED: Err(405, NO_RESULTS),
})
"""Port 57080: the agent-status service answers every error with its one JSON body."""


def php_json(obj: object, status: int = 200) -> Response:
    """A body as PHP's ``json_encode`` writes it: compact, ``\\/`` and ``\\uXXXX`` escapes."""
    return BytesResponse(json_bytes(obj, ascii_only=True, escape_slashes=True), status, JSON_TYPE)


def apache_page(err: Err, method: str) -> Response:
    if err.status == 405:
        page = _APACHE_PAGE.format(status=405, title="Method Not Allowed",
                                   text=APACHE_405.format(method=escape(method)))
        return Response(page, status_code=405, media_type="text/html; charset=iso-8859-1",
                        headers={"Allow": APACHE_ALLOW})
    return Response(err.message, status_code=err.status, media_type="text/html; charset=iso-8859-1")
