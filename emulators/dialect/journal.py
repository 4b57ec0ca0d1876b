"""One journal entry per vendor request: who, what, the answer's status and, when refused, why
(and the neutral kind of refusal), plus the exchange: the request's and the answer's bytes.

Journals are bounded by entries and bytes (``core.journal``): a path or query longer than
``MAX_TEXT`` is cut, and the entry says how long it was (``"truncated": {"query": <length>}``).
Exchanges are bounded apart (``core.exchanges``) and only reference bytes that already exist.
"""

from __future__ import annotations

from time import time
from typing import TYPE_CHECKING

from starlette.types import Scope

from ..core.journal import MAX_TEXT

if TYPE_CHECKING:
    from starlette.responses import Response

    from ..core.world import Tenant
    from ..registry import Registry


def record(registry: "Registry", vendor: str, scope: Scope, operation: str, tenant: "Tenant | None",
           status: int, why: str = "", refusal: str = "", body: bytes = b"",
           response: Response | None = None, seconds: float = 0.0) -> None:
    """Append the entry to its tenant's journal, or the vendor's before a tenant was known; with
    ``response``, keep the exchange (``body``: the request body as read); hand the entry to the
    registry's ``on_request`` hook (``--access-log``) with the seconds the request took."""
    client = scope.get("client")
    path, raw_query = scope["path"], scope.get("query_string", b"")
    truncated: dict[str, int] | None = None  # field -> its length before it was cut
    if len(path) > MAX_TEXT or len(raw_query) > MAX_TEXT:
        truncated = {}
        if len(path) > MAX_TEXT:
            path, truncated["path"] = path[:MAX_TEXT], len(path)
        if len(raw_query) > MAX_TEXT:
            raw_query, truncated["query"] = raw_query[:MAX_TEXT], len(raw_query)
    query = raw_query.decode("utf-8", "replace") if raw_query else ""
    # "seq" first: ``append`` numbers the entry in place, keeping the journal's key order
    entry = {"seq": 0, "vendor": vendor, "operation": operation, "method": scope["method"],
             "path": path, "query": query, "status": status, "client": client[0] if client else "",
             "at": tenant.now() if tenant is not None else None, "wall": time(),
             "tenant": tenant.id if tenant is not None else None}
    text = len(path) + len(query)
    if truncated:
        entry["truncated"] = truncated
    if why:
        why = entry["why"] = why[:MAX_TEXT]
        text += len(why)
    if refusal:
        entry["refusal"] = refusal
    journal = tenant.requests if tenant is not None else registry.unauthenticated(vendor)
    journal.append(entry, text)
    if response is not None:
        answer = getattr(response, "body", None)  # a streamed answer has none
        journal.exchanges.add(entry["seq"], scope, body, status, response.raw_headers,
                              answer if type(answer) is bytes else None)
    if registry.on_request is not None:
        registry.on_request(entry, seconds)
