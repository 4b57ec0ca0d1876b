"""One journal entry per vendor request: who, what, the answer's status and, when refused, why."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from starlette.types import Scope

if TYPE_CHECKING:
    from ..core.world import Tenant
    from ..registry import Registry


def record(registry: "Registry", vendor: str, scope: Scope, operation: str, tenant: "Tenant | None",
           status: int, why: str = "") -> None:
    """Append the entry to its tenant's journal, or the vendor's before a tenant was known."""
    client = scope.get("client")
    # "seq" first: ``append`` numbers the entry in place, keeping the journal's key order
    entry = {"seq": 0, "vendor": vendor, "operation": operation, "method": scope["method"],
             "path": scope["path"], "query": scope.get("query_string", b"").decode("utf-8", "replace"),
             "status": status, "client": client[0] if client else "",
             "at": tenant.now() if tenant else None, "wall": time.time(),
             "tenant": tenant.id if tenant else None}
    if why:
        entry["why"] = why
    (tenant.requests if tenant else registry.unauthenticated(vendor)).append(entry)
