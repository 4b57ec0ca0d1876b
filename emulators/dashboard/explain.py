"""Why a request was refused, in plain words: the dashboard's "near miss".

A refused request's journal entry carries ``why`` (what exactly was wrong, written where the
refusal was raised) and ``refusal`` (its neutral kind). This turns them into a title a person
recognises, the detail, a hint at what to do, and for a rate limit the moment the budget is back
(from the answer's ``Retry-After``); for a path no operation has, the nearest paths that exist.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable

from ..core.exchanges import Exchange, Exchanges
from ..dialect import errors as k
from ..dialect.api import VENDOR_REFUSAL

TITLES: dict[str, tuple[str, str]] = {
    k.UNAUTHENTICATED: ("No credential sent",
                        "Send the tenant's credential as the vendor expects it (the Tenants view lists them)."),
    k.BAD_CREDENTIAL: ("Credential not recognised",
                       "No tenant of this vendor has it: a typo, or a tenant that was deleted? "
                       "The Tenants view lists every tenant's credentials."),
    k.FORBIDDEN: ("Not allowed", "Check the tenant's settings (IP whitelist, credential methods)."),
    k.RATE_LIMITED: ("Rate limit reached",
                     "Wait until the budget is back, or raise settings.rate_limit (0 turns it off)."),
    k.PARAM_MISSING: ("Required parameter missing", "Send the parameter the operation requires."),
    k.PARAM_INVALID: ("Parameter broke a rule", "The detail names the parameter and the rule it broke."),
    k.BAD_BODY: ("Body refused", "The body could not be read as sent (see the detail)."),
    k.BODY_TOO_LARGE: ("Body too large", "The server reads bodies up to --max-body-bytes."),
    k.NO_ROUTE: ("No such endpoint", "No operation of this vendor has that path."),
    k.METHOD_NOT_ALLOWED: ("Method not allowed", "The path exists; the answer's Allow header lists its methods."),
    k.UNSUPPORTED_VERSION: ("Not in this API version", "The operation exists in other versions of the API."),
    k.INTERNAL: ("telemock failed (a defect)", "The server logged the traceback; please report it."),
    VENDOR_REFUSAL: ("Refused by the vendor's rules", "The vendor's own error for this request."),
}
CORE_TITLE = ("The telephony world refused", "The call, agent or queue was not in a state that allows it.")
PLAIN_TITLE = ("Refused", "")
NEAREST = 3
"""Paths suggested for a path no operation has."""


def explain(entry: dict[str, Any], exchanges: Exchanges, paths: Iterable[str] = ()) -> dict[str, Any] | None:
    """The reason of a refused entry (None for an answered one): ``title``, ``detail``, ``hint``,
    and ``retry_at`` (virtual epoch seconds, from the kept answer's ``Retry-After``) or
    ``nearest`` (paths) where they apply."""
    kind = entry.get("refusal")
    status = entry.get("status")
    if not kind and not (isinstance(status, int) and status >= 400):
        return None
    title, hint = TITLES.get(str(kind), CORE_TITLE if kind else PLAIN_TITLE)
    out: dict[str, Any] = {"kind": kind or "", "title": title, "detail": str(entry.get("why", "")), "hint": hint}
    exchange = exchanges.get(entry["seq"]) if kind == k.RATE_LIMITED and isinstance(entry.get("seq"), int) else None
    if exchange is not None and isinstance(entry.get("at"), (int, float)):
        wait = _header(exchange, b"retry-after")
        if wait is not None and wait.isdigit():
            out["retry_at"] = entry["at"] + int(wait)
    if kind == k.NO_ROUTE:
        out["nearest"] = nearest(str(entry.get("path", "")), paths)
    return out


def nearest(path: str, paths: Iterable[str]) -> list[str]:
    """The operation paths most like ``path`` (templates as written: ``/v1/x/{id}``)."""
    found = difflib.get_close_matches(path, sorted(set(paths)), n=NEAREST * 2, cutoff=0.5)
    unique = {p.rstrip("/") or "/": p for p in reversed(found)}  # one of /x/ and /x, the closer
    return [p for p in found if unique[p.rstrip("/") or "/"] == p][:NEAREST]


def _header(exchange: Exchange, name: bytes) -> str | None:
    for key, value in exchange.response_headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None
