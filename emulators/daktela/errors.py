"""Every Daktela error string, once, and the error table the kit words refusals with.

The Daktela API reference (daktela.txt) documents five error bodies for the actions served
here, all ``{"error":"<message>","status":0}``: LogoutQueue's refusal during a call, CreateCall's
"agent not logged into an outgoing queue", PauseOn's unknown pause and GetUser's unknown user
(raw UTF-8 in the doc, unlike the others). The strings below are those, decoded; the envelope
renderer escapes them the way PHP's ``json_encode`` does (``\\u011b``, ``\\/``), except the ones
in ``RAW_UTF8``. Every other message is ours, written in the doc's Czech; docs/FIDELITY.md lists
them. Errors answer HTTP 200, as the doc's PHP API does (it documents no status codes),
except what the web server itself refuses (a body too large, a method it does not route).
"""

from __future__ import annotations

from ..dialect import errors as k
from ..dialect.errors import Err, ErrorTable

# -- documented (daktela.txt) -------------------------------------------------------------------
QUEUE_LOGOUT_DURING_CALL = "Nelze se odhlasit z fronty/kampaně, ve které probíhá hovor s číslem {number}"
"""LogoutQueue, second example: the number is the customer's of the call in progress."""
NOT_IN_OUTGOING_QUEUE = "Agent není přihlášen do odchozí kampaně/fronty"
"""CreateCall 3.1, second example."""
PAUSE_NOT_FOUND = "Tato pauza nebyla nalezena"
"""PauseOn, second example."""
USER_NOT_FOUND = "Uživatel neexistuje"
"""GetUser, second example (an access token of nobody); also every unknown ``user``."""

# -- ours, in the doc's language ----------------------------------------------------------------
UNKNOWN_ACTION = "Neznámá akce"
VERSION_TOO_OLD = "Tato akce není v této verzi API dostupná"
PARAM_MISSING = "Chybí povinný parametr {name}"
PARAM_INVALID = "Neplatná hodnota parametru {name}"
BAD_REQUEST = "Neplatný požadavek"
BODY_TOO_LARGE = "Požadavek je příliš velký"
METHOD_NOT_ALLOWED = "Nepodporovaná metoda HTTP"
RATE_LIMITED = "Příliš mnoho požadavků"
INTERNAL = "Interní chyba serveru"
QUEUE_NOT_FOUND = "Fronta neexistuje"
EXTENSION_NOT_FOUND = "Klapka neexistuje"
CALL_NOT_FOUND = "Hovor neexistuje"
RECORDING_NOT_FOUND = "Nahrávka neexistuje"
NOT_LOGGED_IN = "Agent není přihlášen do Call Centra"
NOT_IN_QUEUE = "Agent není členem fronty"
NO_CALL = "Agent nemá žádný probíhající hovor"
NO_CALL_ON_EXTENSION = "Na klapce neprobíhá žádný hovor"
NO_RINGING_CALL = "Agentovi nezvoní žádný hovor"
AGENT_BUSY = "Agent právě vyzvání nebo telefonuje"
"""PauseOn without ``force`` while ringing, speaking or on hold; a busy agent elsewhere."""
LOGOUT_DURING_CALL = "Nelze se odhlasit z Call Centra, probíhá hovor s číslem {number}"
EXTENSION_TAKEN = "Na klapce je již přihlášen jiný uživatel"
USER_EXISTS = "Uživatel s tímto přihlašovacím jménem již existuje"
NOT_CLICK_TO_CALL = "Zadana fronta neni typu Click to Call"
"""ASCII-folded, as the doc's own "Zadana fronta neni typu email" (EmailCreate)."""
NUMBER_NOT_ALLOWED = "Telefonní číslo není ve frontě povoleno"
CALL_NOT_WAITING = "Hovor nečeká ve frontě"
TRANSFER_FAILED = "Hovor nelze přepojit"
TOO_MANY_ROWS = "Maximální počet vrácených záznamů je 1000"
"""GetAttempts and StatsCalls: "The maximum limit of returned calls is 1000, after exceeding
returns an error." (the text of that error is undocumented)."""
BAD_TIME_RANGE = "Neplatný časový rozsah"
NO_ROUTE_FOR_DID = "Pro toto číslo neexistuje příchozí směrování"
NOT_PLAYING = "Nepřehrává se žádná zpráva"

# -- records, activities, e-mail (documented) --------------------------------------------------------
NO_QUEUE_FOR_PAUSE = "Agent není přihlášen do žádné z front, tedy není možné ho dát na pauzu"
"""CallScriptClose, third example: reported inside ``result.cc.error`` (the save stands)."""
STATUS_NOT_FOUND = "Stav neexistuje"
"""ActivityClose, second example (a status the activity's queue does not offer); also every
unknown status of the Forms actions."""
NOT_EMAIL_QUEUE = "Zadana fronta neni typu email"
"""EmailCreate, second example."""

# -- records, activities, events (ours) -------------------------------------------------------------
RECORD_NOT_FOUND = "Záznam neexistuje"
STATUS_REQUIRED = "Stav musí být vyplněn"
"""CallScriptClose: "State must be set for first call entry"."""
SCRIPT_OPEN = "Agent má otevřený formulář, nejprve jej uložte"
"""PauseOff and Logout of an operator with an open call script ("Open forms protects release
from pause or logout from call centre")."""
ACTIVITY_NOT_FOUND = "Aktivita neexistuje"
EVENT_PREFIX = "Název události musí začínat předponou Custom_"
"""CreateEvent: "Event name, must start with prefix Custom_"."""
EMAIL_TAKEN = "E-mail s tímto jménem již existuje"

# -- SMS and SMSConnect (ours) ---------------------------------------------------------------------
MESSAGE_TOO_LONG = "Zpráva je příliš dlouhá (nejvýše 1377 znaků, v unicode 603)"
"""SendSMS & co.: "Maximum length is 1377 characters (utf8 603)" (9 parts of 153 or 67)."""
SIM_NOT_FOUND = "SIM karta neexistuje"
GROUP_NOT_FOUND = "Skupina SMS neexistuje"
GROUP_TOO_LARGE = "Maximální počet zpráv ve skupině je 20000"
SENDER_NOT_ALLOWED = "Odesílatel není povolen"
"""SendSMSConnect: "This identification must be allowed"."""

RAW_UTF8 = frozenset({USER_NOT_FOUND})
"""Messages the doc shows unescaped (PHP ``JSON_UNESCAPED_UNICODE``): sent as raw UTF-8."""

OK_STATUS = 200
"""The PHP API answers its own errors with 200 and ``"status":0``."""


def err(message: str, **context: object) -> Err:
    """An error of ours or the doc's, with its placeholders filled."""
    return Err(OK_STATUS, message.format(**context) if context else message)


ERRORS = ErrorTable({
    k.UNAUTHENTICATED: err(USER_NOT_FOUND),
    k.BAD_CREDENTIAL: err(USER_NOT_FOUND),
    k.FORBIDDEN: err(USER_NOT_FOUND),
    k.RATE_LIMITED: Err(429, RATE_LIMITED),
    k.PARAM_MISSING: err(PARAM_MISSING),
    k.PARAM_INVALID: err(PARAM_INVALID),
    k.BAD_BODY: err(BAD_REQUEST),
    k.BODY_TOO_LARGE: Err(413, BODY_TOO_LARGE, headers={"Connection": "close"}),
    k.NO_ROUTE: err(UNKNOWN_ACTION),
    k.METHOD_NOT_ALLOWED: Err(405, METHOD_NOT_ALLOWED),
    k.UNSUPPORTED_VERSION: err(VERSION_TOO_OLD),
    k.INTERNAL: Err(500, INTERNAL),
    # core errors an engine raises (most runs check first and name the vendor's own refusal)
    "agent_not_found": err(USER_NOT_FOUND),
    "queue_not_found": err(QUEUE_NOT_FOUND),
    "call_not_found": err(CALL_NOT_FOUND),
    "not_found": err(CALL_NOT_FOUND),
    "agent_on_call": err(AGENT_BUSY),
    "agent_busy": err(AGENT_BUSY),
    "agent_unavailable": err(AGENT_BUSY),
    "illegal_transition": err(TRANSFER_FAILED),
    "invalid_number": err(PARAM_INVALID, name="number"),
    "message_too_long": err(MESSAGE_TOO_LONG),
    "no_line": err(SIM_NOT_FOUND),
    "group_not_found": err(GROUP_NOT_FOUND),
    "core_error": err(BAD_REQUEST),
})
