"""Every VoIPcloud result code and its description, once (seed lines 94-102, the "Codes" table).

The table pairs a code with a description; ``0 | Unknown error`` cannot be an HTTP status, so
the codes travel in the response body (see ``views.envelope``) and the HTTP status mirrors the
code wherever the code is a valid status. Core refusals are mapped here to the table's codes.
"""

from __future__ import annotations

from ..core.errors import CoreError, NotFound

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


class VoipcloudError(Exception):
    """A refused request: one of the table's codes, optional extra headers (Retry-After)."""

    def __init__(self, code: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(DESCRIPTIONS[code])
        self.code = code
        self.description = DESCRIPTIONS[code]
        self.headers = dict(headers or {})


def from_core(exc: CoreError) -> VoipcloudError:
    """The table code for a core refusal (nothing was changed by the core)."""
    if isinstance(exc, NotFound):
        return VoipcloudError(NOT_FOUND)
    # AgentBusy (the user is already ringing or talking), InvalidNumber, IllegalTransition:
    # the table has no finer code than "Parameters error" for a request that cannot be done.
    return VoipcloudError(PARAMETERS_ERROR)
