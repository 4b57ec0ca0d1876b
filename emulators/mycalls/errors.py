"""Every MyCalls error, once: its status and its message, and the table that words the kit's
neutral refusals, the core's errors and MyCalls' own.

mycalls.txt documents no error at all, only "http code 200 indicates success, other codes should
be considered as errors". The statuses and messages below are telemock's (docs/FIDELITY.md);
every error answers ``{"error": "<message>"}`` with that status.
"""

from __future__ import annotations

from ..dialect import errors as k
from ..dialect.errors import Err, ErrorTable

# -- authentication (mycalls.txt, API key section) ----------------------------------------------
MISSING_KEY = "API key required"
INVALID_KEY = "Invalid API key"
HEADER_ONLY = "The apikey parameter works for GET requests only; send the X-APIKey header"
"""A POST with the key in its URL: "method a) only works for get requests"."""

# -- requests -----------------------------------------------------------------------------------
MISSING_PARAM = "Missing parameter"
INVALID_PARAM = "Invalid parameter"
"""Followed by ``: <name>`` when the parameter is known (``api.MyCallsApi.param_error``)."""
BAD_BODY = "Malformed request body"
BODY_TOO_LARGE = "Request body too large"
RATE_LIMITED = "Too many requests"
NOT_FOUND = "Not found"
METHOD_NOT_ALLOWED = "Method not allowed"
INTERNAL = "Internal server error"

# -- MyCalls' own ---------------------------------------------------------------------------------
APP_NOT_FOUND = "App not found"
GROUP_NOT_FOUND = "Agent group not found"
CALL_NOT_FOUND = "Call not found"
NO_RECORDING = "Recording not found"
NOT_VERIFIED = "Number is not verified"
WRONG_KEY = "Invalid verification key"
NOTHING_PENDING = "No verification pending for this number"
AGENT_EXISTS = "Agent already in group"
AGENT_NOT_IN_GROUP = "Agent not found in group"
TOO_MANY_GROUPS = "Too many agent groups in this app"
TOO_MANY_AGENTS = "Too many agents in this group"
TOO_MANY_VERIFICATIONS = "Too many numbers awaiting verification"
TOO_MANY_VERIFIED = "Too many verified numbers"

ERRORS = ErrorTable({
    k.UNAUTHENTICATED: Err(401, MISSING_KEY),
    k.BAD_CREDENTIAL: Err(401, INVALID_KEY),
    k.FORBIDDEN: Err(401, HEADER_ONLY),
    k.RATE_LIMITED: Err(429, RATE_LIMITED),
    k.PARAM_MISSING: Err(400, MISSING_PARAM),
    k.PARAM_INVALID: Err(400, INVALID_PARAM),
    k.BAD_BODY: Err(400, BAD_BODY),
    k.BODY_TOO_LARGE: Err(413, BODY_TOO_LARGE, headers={"Connection": "close"}),
    k.NO_ROUTE: Err(404, NOT_FOUND),
    k.METHOD_NOT_ALLOWED: Err(405, METHOD_NOT_ALLOWED),
    k.INTERNAL: Err(500, INTERNAL),
    APP_NOT_FOUND: Err(404, APP_NOT_FOUND),
    GROUP_NOT_FOUND: Err(404, GROUP_NOT_FOUND),
    CALL_NOT_FOUND: Err(404, CALL_NOT_FOUND),
    NO_RECORDING: Err(404, NO_RECORDING),
    NOT_VERIFIED: Err(403, NOT_VERIFIED),
    WRONG_KEY: Err(400, WRONG_KEY),
    NOTHING_PENDING: Err(400, NOTHING_PENDING),
    AGENT_EXISTS: Err(409, AGENT_EXISTS),
    AGENT_NOT_IN_GROUP: Err(404, AGENT_NOT_IN_GROUP),
    TOO_MANY_GROUPS: Err(400, TOO_MANY_GROUPS),
    TOO_MANY_AGENTS: Err(400, TOO_MANY_AGENTS),
    TOO_MANY_VERIFICATIONS: Err(400, TOO_MANY_VERIFICATIONS),
    TOO_MANY_VERIFIED: Err(400, TOO_MANY_VERIFIED),
    # core refusals: a missing call or agent is "not found"; nothing else reaches the API
    "not_found": Err(404, NOT_FOUND),
    "core_error": Err(400, INVALID_PARAM),
})
"""Kinds (the kit's, the core's, and the messages above as their own kinds) -> status and text."""


def named(err: Err, name: str) -> Err:
    """A parameter error that names its parameter (``Missing parameter: number``)."""
    return Err(err.status, f"{err.message}: {name}", err.code, err.headers)
