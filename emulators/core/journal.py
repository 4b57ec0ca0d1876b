"""The request journal: every inbound request with tenant, vendor, operation and status.

Bounded twice, oldest entries dropped first: by count (``JOURNAL_KEEP``) and by the memory the
entries take (``JOURNAL_MAX_BYTES``), so that a flood of long queries cannot grow it past a few
megabytes. Callers cut texts longer than ``MAX_TEXT`` and say so in the entry.

A vendor request is journalled as a ``Row``, a tuple of what the request already has (the query
still bytes); ``entries`` makes each one the entry dict when it is read. A dict written per
request and dropped 5,000 requests later, cold, was most of a small read's last-level cache
misses under load (docs/PERFORMANCE.md, "The journal's row and the last whole pages").
"""

from __future__ import annotations

from collections import deque
from typing import Any, Iterator, Sequence, Union

from .exchanges import Exchanges

JOURNAL_KEEP = 5000
"""Entries kept per journal."""
JOURNAL_MAX_BYTES = 4 * 1024 * 1024
"""Approximate bytes of entries kept per journal."""
ENTRY_BYTES = 700
"""Memory of one entry besides its variable-length text (a dict of a dozen small values)."""
MAX_TEXT = 2048
"""Longest text (a query string, a path) an entry keeps."""


ROW_BYTES = 300
"""Memory of one ``Row`` besides its variable-length text (a tuple, a datetime and a float)."""

Row = tuple[Any, ...]
"""``(seq, vendor, operation, method, path, query bytes, status, client, at, wall, tenant, more)``:
an entry's values in its keys' order; ``more`` None or a dict of the optional keys
(``truncated``, ``why``, ``refusal``)."""
_ROW_KEYS = ("seq", "vendor", "operation", "method", "path", "query", "status", "client", "at", "wall", "tenant")


def entry_of(row: Union[Row, dict[str, Any]]) -> dict[str, Any]:
    """The entry dict of a row (a new dict); an entry kept as a dict (``add``, a restored
    snapshot) is itself."""
    if type(row) is not tuple:
        return row  # type: ignore[return-value]
    entry = dict(zip(_ROW_KEYS, row))
    query = entry["query"]
    entry["query"] = query.decode("utf-8", "replace") if query else ""
    if row[11]:
        entry.update(row[11])
    return entry


class Entries(Sequence[dict[str, Any]]):
    """The journal's entries, oldest first, each made a dict as it is read."""

    __slots__ = ("_rows",)

    def __init__(self, rows: deque[Any]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        return entry_of(self._rows[index])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(entry_of, self._rows)

    def __reversed__(self) -> Iterator[dict[str, Any]]:
        return map(entry_of, reversed(self._rows))


def _text_size(record: dict[str, Any]) -> int:
    return sum(len(v) for v in record.values() if isinstance(v, str))


class RequestJournal:
    def __init__(self, keep: int = JOURNAL_KEEP, max_bytes: int = JOURNAL_MAX_BYTES) -> None:
        self._rows: deque[Any] = deque(maxlen=keep)
        """``Row``s, and entries kept as dicts (``add``, ``load``)."""
        self.seq = 0
        self.max_bytes = max_bytes
        self._sizes: deque[int] = deque()
        """Bytes of each entry, in step with ``entries``."""
        self.bytes = 0
        """Bytes of the entries kept (``ENTRY_BYTES`` each plus their text)."""
        self.exchanges = Exchanges()
        """The bytes of the newest requests and answers (memory only: not in ``to_dict``)."""

    @property
    def entries(self) -> Entries:
        return Entries(self._rows)

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

    def append_row(self, row: Row, text_bytes: int = 0) -> None:
        """Keep a vendor request's ``Row``; its ``seq`` (``row[0]``) is ``self.seq + 1``."""
        self.seq = row[0]
        self._keep(row, ROW_BYTES + text_bytes)

    def _keep(self, record: Union[Row, dict[str, Any]], size: int) -> None:
        rows = self._rows
        if len(rows) == rows.maxlen and self._sizes:
            self.bytes -= self._sizes.popleft()  # the deque drops its oldest entry below
        rows.append(record)
        self._sizes.append(size)
        self.bytes += size
        while self.bytes > self.max_bytes and rows:
            rows.popleft()
            self.bytes -= self._sizes.popleft()

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "entries": list(self.entries)}

    def load(self, data: dict[str, Any]) -> None:
        """Restore a journal (from a snapshot, so from outside): it keeps both bounds."""
        self.seq = int(data["seq"])
        self._rows = deque(maxlen=self._rows.maxlen)
        self._sizes.clear()
        self.bytes = 0
        self.exchanges.clear()
        for record in data["entries"]:
            self._keep(record, ENTRY_BYTES + (_text_size(record) if isinstance(record, dict) else 0))
