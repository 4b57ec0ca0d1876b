"""Agent number verification (mycalls.txt, agent walkthrough).

"All agent numbers are to be verified before they could be placed in the system. A number needs
to be verified only once for a given subscriber." ``number`` + ``method`` answers ``passed`` for a
number verified before, else starts a verification (the key goes out by SMS or call) and answers
``pending``; ``number`` + ``key`` answers ``passed`` once the key matches. The key a person would
receive is the tenant's ``verification_key`` setting (the doc's ``0805`` by default), kept with
the verification when it starts; the control plane lists verifications under way with their keys.
"""

from __future__ import annotations

from typing import Any

from ..core.world import Tenant
from ..dialect.errors import VendorError
from .errors import ERRORS, NOTHING_PENDING, TOO_MANY_VERIFICATIONS, TOO_MANY_VERIFIED, WRONG_KEY
from .model import MAX_PENDING, MAX_VERIFIED, options

PASSED, PENDING = "passed", "pending"
METHODS = ("sms", "call")
"""How the key reaches the person: the doc shows ``sms``; "call" is telemock's second method."""


def verified(t: Tenant) -> list[str]:
    found: list[str] = t.state.setdefault("verified", [])
    return found


def pending(t: Tenant) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = t.state.setdefault("pending", {})
    return found


def is_verified(t: Tenant, number: str) -> bool:
    return number in verified(t)


def start(t: Tenant, number: str, method: str) -> str:
    """``number`` + ``method``: passed if verified before, else a (new or renewed) verification."""
    if is_verified(t, number):
        return PASSED
    under_way = pending(t)
    if number not in under_way and len(under_way) >= MAX_PENDING:
        raise VendorError(ERRORS[TOO_MANY_VERIFICATIONS])
    key = str(options(t).get("verification_key") or "")
    under_way[number] = {"method": method, "key": key, "requested_at": t.now()}
    return PENDING


def confirm(t: Tenant, number: str, key: str) -> str:
    """``number`` + ``key``: passed if the key is the one sent (or the number was verified)."""
    if is_verified(t, number):
        return PASSED
    request = pending(t).get(number)
    if request is None:
        raise VendorError(ERRORS[NOTHING_PENDING], f"no verification of {number} under way")
    if key != request["key"]:
        raise VendorError(ERRORS[WRONG_KEY], f"key {key!r} is not the one sent to {number}")
    if len(verified(t)) >= MAX_VERIFIED:
        raise VendorError(ERRORS[TOO_MANY_VERIFIED])
    del pending(t)[number]
    verified(t).append(number)
    return PASSED
