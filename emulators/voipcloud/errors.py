"""Every VoIPcloud result code and its description, once (voipcloud.txt, "Codes" table), and the
error table that words the kit's neutral refusals and the core's errors in those codes.

The table pairs a code with a description; ``0 | Unknown error`` cannot be an HTTP status, so
the codes travel in the response body (see ``views.envelope``) and the HTTP status mirrors the
code wherever the code is a valid status.
"""

from __future__ import annotations

from ..dialect import errors as k
from ..dialect.errors import Err, ErrorTable

SUCCESS = 200
PARAMETERS_ERROR = 400
AUTHORIZATION_ERROR = 401
NOT_FOUND = 404
METHOD_NOT_ALLOWED = 405
CONTENT_TOO_LARGE = 413
TOO_MANY_REQUESTS = 429
UNKNOWN_ERROR = 0

DESCRIPTIONS: dict[int, str] = {
    SUCCESS: "Success",
    PARAMETERS_ERROR: "Parameters error",
    AUTHORIZATION_ERROR: "Authorization error",
    NOT_FOUND: "Tenant or required data not found",
    TOO_MANY_REQUESTS: "Too Many Requests",
    UNKNOWN_ERROR: "Unknown error",
    # Not in the seed's table: a wrong method needs *some* description; the HTTP reason
    # phrase is what a PHP router's 405 page says (docs/FIDELITY.md).
    METHOD_NOT_ALLOWED: "Method Not Allowed",
    # Not in the table either: a body over the server's limit is refused before the API sees
    # it; RFC 9110's name for 413 (docs/FIDELITY.md).
    CONTENT_TOO_LARGE: "Content Too Large",
}
"""Code -> description, copied from the seed's table (405 and 413 excepted, see above)."""

UNKNOWN_ERROR_STATUS = 500
"""HTTP status that carries body code 0 ("Unknown error"): an unexpected server failure."""


def http_status(code: int) -> int:
    """The HTTP status a body code travels with (the code itself; 0 has no HTTP twin)."""
    return UNKNOWN_ERROR_STATUS if code == UNKNOWN_ERROR else code


def err(code: int) -> Err:
    return Err(http_status(code), DESCRIPTIONS[code], code)


ERRORS = ErrorTable({
    k.UNAUTHENTICATED: err(AUTHORIZATION_ERROR),  # also a wrong key and a refused address
    k.RATE_LIMITED: err(TOO_MANY_REQUESTS),
    k.PARAM_INVALID: err(PARAMETERS_ERROR),
    k.BODY_TOO_LARGE: Err(CONTENT_TOO_LARGE, DESCRIPTIONS[CONTENT_TOO_LARGE], CONTENT_TOO_LARGE,
                           {"Connection": "close"}),  # the rest of the body is not worth reading
    k.NO_ROUTE: err(NOT_FOUND),
    k.METHOD_NOT_ALLOWED: err(METHOD_NOT_ALLOWED),
    k.INTERNAL: err(UNKNOWN_ERROR),
    # core refusals: a missing user, queue or call is "required data not found"; anything else
    # the world refuses (busy user, undialable number) has no finer code than "Parameters error".
    "not_found": err(NOT_FOUND),
    "core_error": err(PARAMETERS_ERROR),
})


# ---------------------------------------------------------------------------------------
# integration API v2: no vendor document (docs/FIDELITY.md, "VoIPcloud v2", from client
# evidence). The envelope carries the HTTP status as ``code`` and a ``message`` that says why;
# the messages start with the v1 table's description where v1 has the same code.
# ---------------------------------------------------------------------------------------
FORBIDDEN = 403
"""v2 answers a caller off the IP whitelist 403 (clients treat 401 and 403 as "check the key
and the whitelist"); v1 words it as 401 "Authorization error"."""


V2_TITLES: dict[int, str] = {**DESCRIPTIONS, FORBIDDEN: "Forbidden",
                             UNKNOWN_ERROR_STATUS: DESCRIPTIONS[UNKNOWN_ERROR]}
"""HTTP status -> the first words of a v2 message (v1's descriptions, keyed by status)."""


def v2_err(status: int, reason: str = "", headers: dict[str, str] | None = None) -> Err:
    """A v2 error: the HTTP status (also the body's ``code``) and its message."""
    title = V2_TITLES[status]
    return Err(status, f"{title}: {reason}" if reason else title, status, headers or {})


V2_NOT_FOUND = v2_err(NOT_FOUND)
V2_ERRORS = ErrorTable({
    k.UNAUTHENTICATED: v2_err(AUTHORIZATION_ERROR, "send the API key in the token header"),
    k.BAD_CREDENTIAL: v2_err(AUTHORIZATION_ERROR, "the token is not a valid API key"),
    k.FORBIDDEN: v2_err(FORBIDDEN, "this IP address is not on the API whitelist"),
    k.RATE_LIMITED: v2_err(TOO_MANY_REQUESTS),
    k.PARAM_INVALID: v2_err(PARAMETERS_ERROR),
    k.BAD_BODY: v2_err(PARAMETERS_ERROR, "the body cannot be read"),
    k.BODY_TOO_LARGE: v2_err(CONTENT_TOO_LARGE, headers={"Connection": "close"}),
    k.NO_ROUTE: v2_err(NOT_FOUND, "no such operation"),
    k.METHOD_NOT_ALLOWED: v2_err(METHOD_NOT_ALLOWED),
    k.INTERNAL: v2_err(UNKNOWN_ERROR_STATUS),
    "not_found": V2_NOT_FOUND,
    "core_error": v2_err(PARAMETERS_ERROR),
})
"""The kit's refusals and the core's errors in v2's words (parameter and core errors get their
reason appended by ``VoipcloudV2Api``)."""
