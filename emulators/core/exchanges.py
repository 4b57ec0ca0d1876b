"""The bytes of a journal's recent requests and of the answers they got (what a person reading
the journal wants to see exactly: the dashboard's request detail).

Kept beside the request journal, in memory only (snapshots and state files do not carry them),
and bounded three ways: the newest ``EXCHANGES_KEEP`` per journal, at most
``EXCHANGES_MAX_BYTES`` of them, and each body cut at ``BODY_KEEP`` bytes (the exchange says how
long it was). On the request path nothing is copied or formatted: an exchange holds references to
the bytes the request and the answer already are; the HTTP text is written when someone asks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Sequence

EXCHANGES_KEEP = 200
"""Exchanges kept per journal (the journal's own entries go back further: 5,000)."""
EXCHANGES_MAX_BYTES = 2 * 1024 * 1024
"""Approximate bytes of the kept exchanges of one journal (heads and bodies)."""
BODY_KEEP = 64 * 1024
"""Longest body (of a request or an answer) an exchange keeps; a longer one is cut."""
EXCHANGE_BYTES = 300
"""Memory of one exchange besides its heads and bodies."""

Headers = Sequence[tuple[bytes, bytes]]


@dataclass(slots=True)
class Exchange:
    seq: int
    """The journal entry's ``seq``."""
    method: str
    path: bytes
    """The request path as sent."""
    query: bytes
    http_version: str
    headers: Headers
    """Request headers as the server read them (ASGI: names in lower case)."""
    body: bytes
    body_length: int
    """Length of the body before it was cut (``len(body)`` when it was not)."""
    status: int
    response_headers: Headers
    response_body: bytes | None
    """None: the answer was streamed, its bytes were not kept."""
    response_length: int

    def request_text(self) -> str:
        target = self.path + b"?" + self.query if self.query else self.path
        lines = [f"{self.method} {_text(target)} HTTP/{self.http_version}"]
        lines += [f"{_text(k)}: {_text(v)}" for k, v in self.headers]
        return "\r\n".join(lines) + "\r\n\r\n" + _text(self.body)

    def response_text(self) -> str:
        lines = [f"HTTP/{self.http_version} {self.status} {_reason(self.status)}"]
        lines += [f"{_text(k)}: {_text(v)}" for k, v in self.response_headers]
        body = "" if self.response_body is None else _text(self.response_body)
        return "\r\n".join(lines).rstrip() + "\r\n\r\n" + body

    def to_dict(self) -> dict[str, Any]:
        truncated = {}
        if self.body_length > len(self.body):
            truncated["request_body"] = self.body_length
        if self.response_body is not None and self.response_length > len(self.response_body):
            truncated["response_body"] = self.response_length
        out: dict[str, Any] = {"seq": self.seq, "request": self.request_text(),
                               "response": self.response_text(), "streamed": self.response_body is None}
        if truncated:
            out["truncated"] = truncated
        return out


def _text(raw: bytes) -> str:
    """Bytes as text: UTF-8, anything else as ``\\xNN`` (the exact bytes stay readable)."""
    return raw.decode("utf-8", "backslashreplace")


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _cut(body: bytes) -> bytes:
    return body if len(body) <= BODY_KEEP else body[:BODY_KEEP]


def _head_size(headers: Headers) -> int:
    size = 0
    for name, value in headers:
        size += len(name) + len(value)
    return size


class Exchanges:
    """The newest exchanges of one journal, oldest first, bounded by count and bytes."""

    __slots__ = ("_kept", "_sizes", "bytes", "keep", "max_bytes")

    def __init__(self, keep: int = EXCHANGES_KEEP, max_bytes: int = EXCHANGES_MAX_BYTES) -> None:
        self._kept: deque[Exchange] = deque()
        self._sizes: deque[int] = deque()
        self.bytes = 0
        self.keep = keep
        self.max_bytes = max_bytes

    def add(self, seq: int, method: str, path: bytes, query: bytes, http_version: str, headers: Headers,
            body: bytes, status: int, response_headers: Headers, response_body: bytes | None) -> None:
        kept_body = _cut(body)
        kept_answer = None if response_body is None else _cut(response_body)
        exchange = Exchange(seq, method, path, query, http_version, headers, kept_body, len(body), status,
                            response_headers, kept_answer,
                            len(response_body) if response_body is not None else 0)
        size = (EXCHANGE_BYTES + len(path) + len(query) + len(kept_body) + _head_size(headers)
                + _head_size(response_headers) + (len(kept_answer) if kept_answer is not None else 0))
        self._kept.append(exchange)
        self._sizes.append(size)
        self.bytes += size
        while len(self._kept) > self.keep or (self.bytes > self.max_bytes and len(self._kept) > 1):
            self._kept.popleft()
            self.bytes -= self._sizes.popleft()

    def get(self, seq: int) -> Exchange | None:
        kept = self._kept
        if not kept:
            return None
        index = seq - kept[0].seq  # seqs are consecutive when every request kept its exchange
        if 0 <= index < len(kept) and kept[index].seq == seq:
            return kept[index]
        for exchange in reversed(kept):
            if exchange.seq == seq:
                return exchange
            if exchange.seq < seq:
                return None
        return None

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
        self._sizes.clear()
        self.bytes = 0
