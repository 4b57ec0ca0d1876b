"""Every CPaaS message, once, and the error table that words the kit's refusals and the core's.

The document ("Document for CPaaS APIs", cpaas.txt) shows success answers only. The failure
envelope and three messages are known from the real server's answers seen in public:
``{"response":{"message":"account_id is mandatory field","success":"false"}}``,
``"auth is mandatory field"`` and ``"invalid customer number, number should be of 10 digits
in length"``. Every other message here is ours, in those words' style ("<field> is mandatory
field", "invalid <field>, ..."); docs/FIDELITY.md lists them.

The server is a Flask application: what Flask itself refuses before a view runs (an unknown
path, a wrong method, a body over the limit, a body that is not JSON) is answered with
Werkzeug's own HTML pages, byte for byte, not with the JSON envelope.
"""

from __future__ import annotations

from ..dialect import errors as k
from ..dialect.errors import Err, ErrorTable

# -- success messages (cpaas.txt, each operation's Response) ----------------------------------
CALLBACK_MODIFIED = "callback data modified successfully"
CALLBACK_DELETED = "callback request deleted successfully"
CONTACTS_IMPORTED = "({count}) contacts imported successfully"
DND_CONTACTS_IMPORTED = "({count}) DND contacts imported successfully"
CAMPAIGN_STOPPED = " campaign stopped successfully"
"""Sic: the document's message starts with a space (Stop Campaign, Response)."""
CAMPAIGN_FOUND = "campaign found"
CDR_FOUND = "cdr found"
BLIND_TRANSFERRED = "blind transferred successfully"
# ours, for the modify types whose answers the document does not show
ATTENDED_TRANSFERRED = "attended transferred successfully"
HUNG_UP = "call hangup successfully"
RECORDING_STARTED = "call recording started successfully"

# -- refusals -------------------------------------------------------------------------------
MANDATORY = "{name} is mandatory field"
"""Seen from the real server as "account_id is mandatory field" and "auth is mandatory field"."""
MISSING_ACCOUNT = MANDATORY.format(name="account_id")
MISSING_AUTH = MANDATORY.format(name="auth")
INVALID_NUMBER = "invalid {label}, number should be of 10 digits in length"
"""Seen from the real server for ``customer_number``; the other numbers say it their way."""
INVALID = "invalid {name}"
INVALID_CHOICE = "invalid {name}, allowed values are {values}"
INVALID_INTEGER = "invalid {name}, it should be a number from {low} to {high}"
INVALID_DATE = "invalid {name}, date format should be YYYY-mm-dd"
INVALID_DATETIME = "invalid {name}, date format should be YYYY-mm-dd hh:mm:ss"
NOT_FUTURE = "invalid {name}, date should be in future"
END_BEFORE_START = "invalid {name}, it should be after {other}"
BEFORE_START = "invalid {name}, it should not be before {other}"
NAME_TAKEN = "{name} already exists"
BAD_CREDENTIALS = "invalid account_id or auth"
BAD_FILE = "invalid {name}, {problem}"
"""A bucket file that is missing ("file not found": 404) or unreadable (400)."""
UNKNOWN_TEMPLATE = "invalid announce_template_id"
CDR_NOT_FOUND = "cdr not found"
CAMPAIGN_NOT_FOUND = "campaign not found"
UNMODIFIABLE = "call can not be modified in its current state"
TARGET_UNAVAILABLE = "invalid transfer_to, the extension is not available"

# -- Werkzeug's pages (Flask refusals before any view runs) ----------------------------------
WERKZEUG = "werkzeug"
"""``Err.code`` of an answer that is Werkzeug's HTML page, not the API's JSON envelope."""
PAGE_TEXT: dict[int, tuple[str, str]] = {
    400: ("Bad Request", "The browser (or proxy) sent a request that this server could not understand."),
    404: ("Not Found", "The requested URL was not found on the server. If you entered the URL manually "
                       "please check your spelling and try again."),
    405: ("Method Not Allowed", "The method is not allowed for the requested URL."),
    413: ("Request Entity Too Large", "The data value transmitted exceeds the capacity limit."),
    415: ("Unsupported Media Type", "The server does not support the media type transmitted in the request."),
    500: ("Internal Server Error", "The server encountered an internal error and was unable to complete "
                                   "your request. Either the server is overloaded or there is an error in "
                                   "the application."),
}
"""Werkzeug 3's default name and description per status."""
NOT_JSON = "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
"""Werkzeug's 415 description when a view asks for JSON of a request that did not send it."""
JSON_FAILED = "Failed to decode JSON object: {error}"
"""Werkzeug's 400 description when the JSON body does not parse (Python's own words follow)."""


def page(status: int, description: str | None = None) -> Err:
    return Err(status, description or PAGE_TEXT[status][1], WERKZEUG)


def bad_request(message: str) -> Err:
    return Err(400, message)


def not_found(message: str) -> Err:
    return Err(404, message)


def bad_file(name: str, problem: str, missing: bool) -> Err:
    return Err(404 if missing else 400, BAD_FILE.format(name=name, problem=problem))


def mandatory(name: str) -> Err:
    return bad_request(MANDATORY.format(name=name))


def invalid(name: str) -> Err:
    return bad_request(INVALID.format(name=name))


ERRORS = ErrorTable({
    k.UNAUTHENTICATED: Err(401, MISSING_ACCOUNT),
    k.BAD_CREDENTIAL: Err(401, BAD_CREDENTIALS),
    k.PARAM_INVALID: page(400),
    k.BAD_BODY: page(400),
    k.BODY_TOO_LARGE: Err(413, PAGE_TEXT[413][1], WERKZEUG, {"Connection": "close"}),
    k.NO_ROUTE: page(404),
    k.METHOD_NOT_ALLOWED: page(405),
    k.INTERNAL: page(500),
    # the core refuses: an id it does not know, or a call that cannot do that now
    "not_found": not_found(INVALID.format(name="request_id")),
    "illegal_transition": bad_request(UNMODIFIABLE),
    "agent_unavailable": bad_request(TARGET_UNAVAILABLE),
    "agent_busy": bad_request(TARGET_UNAVAILABLE),
    "invalid_number": bad_request(INVALID.format(name="transfer_to")),
    "core_error": bad_request(UNMODIFIABLE),
})
"""Statuses are ours (the document shows none): 400 a parameter, 401 the credentials, 404 an
id of the account's that does not exist or a search that found nothing; Werkzeug's own for
what Flask refuses."""
