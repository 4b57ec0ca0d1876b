"""``telemock serve --access-log``: one line per vendor request on standard output, what a
developer watching their integration wants to see:

    14:03:22 GET /api/integration/v1/get-user-calls voipcloud get-user-calls tenant=default 200 1.3ms

(local wall time, method, path, vendor, operation, tenant, status, time taken; a refusal adds
why). The query is left out: Kerauno's key travels in it.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)}
"""Control characters as escapes: a path with a newline must not forge a second log line."""


def access_line(entry: dict[str, Any], seconds: float) -> str:
    """The log line of one journal entry (``dialect.journal.record``)."""
    wall = time.strftime("%H:%M:%S", time.localtime(entry.get("wall") or time.time()))
    tenant = entry.get("tenant") or "-"
    line = (f"{wall} {entry['method']} {entry['path']} {entry['vendor']} {entry['operation']} "
            f"tenant={tenant} {entry['status']} {seconds * 1000:.1f}ms")
    why = entry.get("why")
    return (f"{line} ({why})" if why else line).translate(_CONTROL)


def printer(stream: TextIO | None = None) -> Any:
    """A ``Registry.on_request`` hook writing ``access_line`` to ``stream`` (stdout)."""
    def write(entry: dict[str, Any], seconds: float) -> None:
        out = stream or sys.stdout
        out.write(access_line(entry, seconds) + "\n")
        out.flush()
    return write
