"""The request journal: every inbound request with tenant, vendor, operation and status.

Bounded twice, oldest entries dropped first: by count (``JOURNAL_KEEP``) and by the memory the
entries take (``JOURNAL_MAX_BYTES``), so that a flood of long queries cannot grow it past a few
megabytes. Callers cut texts longer than ``MAX_TEXT`` and say so in the entry.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from .exchanges import Exchanges

JOURNAL_KEEP = 5000
"""Entries kept per journal."""
JOURNAL_MAX_BYTES = 4 * 1024 * 1024
"""Approximate bytes of entries kept per journal."""
ENTRY_BYTES = 700
"""Memory of one entry besides its variable-length text (a dict of a dozen small values)."""
MAX_TEXT = 2048
"""Longest text (a query string, a path) an entry keeps."""


def _text_size(record: dict[str, Any]) -> int:
    return sum(len(v) for v in record.values() if isinstance(v, str))


class RequestJournal:
    def __init__(self, keep: int = JOURNAL_KEEP, max_bytes: int = JOURNAL_MAX_BYTES) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=keep)
        self.seq = 0
        self.max_bytes = max_bytes
        self._sizes: deque[int] = deque()
        """Bytes of each entry, in step with ``entries``."""
        self.bytes = 0
        """Bytes of the entries kept (``ENTRY_BYTES`` each plus their text)."""
        self.exchanges = Exchanges()
        """The bytes of the newest requests and answers (memory only: not in ``to_dict``)."""

    def add(self, **entry: Any) -> dict[str, Any]:
        return self.append({"seq": 0, **entry}, _text_size(entry))

    def append(self, record: dict[str, Any], text_bytes: int = 0) -> dict[str, Any]:
        """Like ``add``, for a record built by the caller with a placeholder ``seq`` key first
        (one dict per request instead of three: the journal is written on every request).
        ``text_bytes``: the length of the record's variable texts (query, path), as the caller
        already knows it."""
        self.seq += 1
        record["seq"] = self.seq
        self._keep(record, ENTRY_BYTES + text_bytes)
        return record

    def _keep(self, record: dict[str, Any], size: int) -> None:
        if len(self.entries) == self.entries.maxlen and self._sizes:
            self.bytes -= self._sizes.popleft()  # the deque drops its oldest entry below
        self.entries.append(record)
        self._sizes.append(size)
        self.bytes += size
        while self.bytes > self.max_bytes and self.entries:
            self.entries.popleft()
            self.bytes -= self._sizes.popleft()

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "entries": list(self.entries)}

    def load(self, data: dict[str, Any]) -> None:
        """Restore a journal (from a snapshot, so from outside): it keeps both bounds."""
        self.seq = int(data["seq"])
        self.entries = deque(maxlen=self.entries.maxlen)
        self._sizes.clear()
        self.bytes = 0
        self.exchanges.clear()
        for record in data["entries"]:
            self._keep(record, ENTRY_BYTES + (_text_size(record) if isinstance(record, dict) else 0))
