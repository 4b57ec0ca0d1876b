"""One journal entry per vendor request: who, what, the answer's status and, when refused, why
(and the neutral kind of refusal), plus the exchange: the request's and the answer's bytes.

Journals are bounded by entries and bytes (``core.journal``): a path or query longer than
``MAX_TEXT`` is cut, and the entry says how long it was (``"truncated": {"query": <length>}``).
Exchanges are bounded apart (``core.exchanges``) and only reference bytes that already exist.
"""

from __future__ import annotations

from time import time
from typing import TYPE_CHECKING, Any

from starlette.types import Scope

from ..core.journal import MAX_TEXT, entry_of

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
    path, query = scope["path"], scope.get("query_string", b"")
    more: dict[str, Any] | None = None  # the entry's optional keys, in their order
    if len(path) > MAX_TEXT or len(query) > MAX_TEXT:
        truncated: dict[str, int] = {}  # field -> its length before it was cut
        if len(path) > MAX_TEXT:
            path, truncated["path"] = path[:MAX_TEXT], len(path)
        if len(query) > MAX_TEXT:
            query, truncated["query"] = query[:MAX_TEXT], len(query)
        more = {"truncated": truncated}
    text = len(path) + len(query)
    if why:
        why = why[:MAX_TEXT]
        text += len(why)
        more = {**(more or {}), "why": why}
    if refusal:
        more = {**(more or {}), "refusal": refusal}
    journal = tenant.requests if tenant is not None else registry.unauthenticated(vendor)
    seq = journal.seq + 1
    row = (seq, vendor, operation, scope["method"], path, query, status, client[0] if client else "",
           tenant.now() if tenant is not None else None, time(), tenant.id if tenant is not None else None, more)
    journal.append_row(row, text)
    if response is not None:
        answer = getattr(response, "body", None)  # a streamed answer has none
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        journal.exchanges.add(seq, scope["method"], raw_path, scope.get("query_string", b""),
                              scope.get("http_version", "1.1"), scope["headers"], body, status,
                              response.raw_headers, answer if type(answer) is bytes else None)
    if registry.on_request is not None:
        registry.on_request(entry_of(row), seconds)
