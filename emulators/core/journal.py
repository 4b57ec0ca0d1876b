"""The request journal: every inbound request with tenant, vendor, operation and status."""

from __future__ import annotations

from collections import deque
from typing import Any

JOURNAL_KEEP = 5000


class RequestJournal:
    def __init__(self, keep: int = JOURNAL_KEEP) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=keep)
        self.seq = 0

    def add(self, **entry: Any) -> dict[str, Any]:
        self.seq += 1
        record = {"seq": self.seq, **entry}
        self.entries.append(record)
        return record

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Like ``add``, for a record built by the caller with a placeholder ``seq`` key first
        (one dict per request instead of three: the journal is written on every request)."""
        self.seq += 1
        record["seq"] = self.seq
        self.entries.append(record)
        return record

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "entries": list(self.entries)}

    def load(self, data: dict[str, Any]) -> None:
        self.seq = int(data["seq"])
        self.entries = deque(data["entries"], maxlen=self.entries.maxlen)
