"""Refusals as data: neutral kinds the kit and the core raise, and each vendor's table that turns
a kind into its own status, code and message.

As in moto, an error carries a code and a message, never a Response; one renderer per vendor
writes the envelope. ``Refusal(kind)`` is raised by the kit (no credential, rate limited, body too
large, ...) and mapped through the vendor's ``ErrorTable``; ``VendorError(entry)`` is raised by a
vendor's own operation with an entry of that table (an exact documented string).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..core.errors import CoreError

# Neutral kinds (what went wrong, in no vendor's words).
UNAUTHENTICATED = "unauthenticated"
"""No credential was sent."""
BAD_CREDENTIAL = "bad_credential"
"""A credential was sent that addresses no tenant."""
FORBIDDEN = "forbidden"
"""The caller may not call (IP whitelist, a credential method the tenant turned off)."""
RATE_LIMITED = "rate_limited"
PARAM_MISSING = "param_missing"
PARAM_INVALID = "param_invalid"
BAD_BODY = "bad_body"
"""A body no vendor request can be (nested too deep, lone surrogates)."""
BODY_TOO_LARGE = "body_too_large"
NO_ROUTE = "no_route"
METHOD_NOT_ALLOWED = "method_not_allowed"
UNSUPPORTED_VERSION = "unsupported_version"
"""The path names a version in which the operation does not exist."""
INTERNAL = "internal"
"""A defect of ours; logged with its traceback, answered in the vendor's envelope."""

FALLBACK: dict[str, str] = {
    BAD_CREDENTIAL: UNAUTHENTICATED,
    FORBIDDEN: UNAUTHENTICATED,
    PARAM_MISSING: PARAM_INVALID,
    BAD_BODY: PARAM_INVALID,
    BODY_TOO_LARGE: PARAM_INVALID,
    UNSUPPORTED_VERSION: NO_ROUTE,
    METHOD_NOT_ALLOWED: NO_ROUTE,
}
"""Where a table without an entry for a kind looks next (core codes fall back along the
``CoreError`` class hierarchy, then to ``core_error``, then to ``param_invalid``)."""


@dataclass(frozen=True)
class Err:
    """One entry of a vendor's error table."""

    status: int
    """HTTP status (a vendor whose errors are always 200 says so here)."""
    message: str = ""
    """The exact text the vendor sends."""
    code: Any = None
    """A vendor code that travels in the body (VoIPcloud's table code, ...)."""
    headers: Mapping[str, str] = field(default_factory=dict)


class Refusal(Exception):
    """A neutral refusal; ``why`` says in plain words what was wrong (for the journal)."""

    def __init__(self, kind: str, why: str = "", headers: Mapping[str, str] | None = None,
                 **context: Any) -> None:
        super().__init__(why or kind)
        self.kind = kind
        self.why = why or kind.replace("_", " ")
        self.headers = dict(headers or {})
        self.context = context


class VendorError(Exception):
    """A vendor operation refuses with an entry of its own table."""

    def __init__(self, err: Err, why: str = "", headers: Mapping[str, str] | None = None) -> None:
        super().__init__(why or err.message)
        self.err = err
        self.why = why or err.message or str(err.status)
        self.headers = dict(headers or {})


class ErrorTable:
    """A vendor's kinds -> ``Err`` (neutral kinds and core error codes)."""

    def __init__(self, entries: Mapping[str, Err]) -> None:
        self.entries = dict(entries)
        if PARAM_INVALID not in self.entries or NO_ROUTE not in self.entries or INTERNAL not in self.entries:
            raise ValueError("an error table needs param_invalid, no_route and internal")

    def __getitem__(self, kind: str) -> Err:
        return self.lookup(kind)

    def lookup(self, kind: str) -> Err:
        seen = kind
        while seen not in self.entries:
            nxt = FALLBACK.get(seen)
            if nxt is None:
                return self.entries[PARAM_INVALID]
            seen = nxt
        return self.entries[seen]

    def for_core(self, exc: CoreError) -> Err:
        """The entry of the most specific core error class the table names."""
        for cls in type(exc).__mro__:
            code = getattr(cls, "code", None)
            if isinstance(code, str) and code in self.entries:
                return self.entries[code]
        return self.lookup(PARAM_INVALID)
