"""The bytes of a journal's recent requests and of the answers they got (what a person reading
the journal wants to see exactly: the dashboard's request detail).

Kept beside the request journal, in memory only (snapshots and state files do not carry them),
and bounded three ways: the newest ``EXCHANGES_KEEP`` per journal, at most
``EXCHANGES_MAX_BYTES`` of them, and each body cut at ``BODY_KEEP`` bytes (the exchange says how
long it was). On the request path nothing is formatted and little copied: an exchange holds
references to what the request and the answer already are; the text is written when asked for.
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
EXCHANGE_BYTES = 600
"""Memory of one exchange besides its request head and the bodies (its tuple, the scope, the
answer's few headers: telemock writes them)."""

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


class Exchanges:
    """The newest exchanges of one journal, oldest first, bounded by count and bytes.

    Each is kept as the tuple ``add`` was given (references, nothing copied but a body longer
    than ``BODY_KEEP``) and made into an ``Exchange`` only when asked for: recording one costs a
    few hundred nanoseconds on every request.
    """

    __slots__ = ("_kept", "bytes", "max_bytes")

    def __init__(self, keep: int = EXCHANGES_KEEP, max_bytes: int = EXCHANGES_MAX_BYTES) -> None:
        self._kept: deque[tuple[Any, ...]] = deque(maxlen=keep)
        """(seq, method, raw path, query, HTTP version, headers, body, body length, status,
        answer headers, answer, answer length, size)"""
        self.bytes = 0
        self.max_bytes = max_bytes

    def add(self, seq: int, method: str, raw_path: bytes, query: bytes, http_version: str, headers: Headers,
            body: bytes, status: int, response_headers: Headers, response_body: bytes | None) -> None:
        """The request's parts as the server read them (not its ASGI scope: holding the scope
        would hold its dicts too, freed 200 requests later, cold); ``response_body`` None for a
        streamed answer."""
        body_length = len(body)
        answer_length = len(response_body) if response_body is not None else 0
        if body_length > BODY_KEEP or answer_length > BODY_KEEP:  # rare: cut, so as not to hold it all
            body = body[:BODY_KEEP]
            response_body = response_body[:BODY_KEEP] if response_body is not None else None
        size = EXCHANGE_BYTES + len(body) + (len(response_body) if response_body is not None else 0)
        for name, value in headers:  # the head as read (path and query are in it too, about)
            size += len(name) + len(value)
        kept = self._kept
        if len(kept) == kept.maxlen:
            self.bytes -= kept[0][-1]  # the deque drops its oldest below
        kept.append((seq, method, raw_path, query, http_version, headers, body, body_length, status,
                     response_headers, response_body, answer_length, size))
        self.bytes += size
        if self.bytes > self.max_bytes:
            while self.bytes > self.max_bytes and len(kept) > 1:
                self.bytes -= kept.popleft()[-1]

    def _index(self, seq: int) -> int:
        kept = self._kept
        if not kept:
            return -1
        index = seq - kept[0][0]  # seqs are consecutive when every request kept its exchange
        if 0 <= index < len(kept) and kept[index][0] == seq:
            return index
        return next((i for i, item in enumerate(kept) if item[0] == seq), -1)

    def has(self, seq: int) -> bool:
        return self._index(seq) >= 0

    def get(self, seq: int) -> Exchange | None:
        index = self._index(seq)
        if index < 0:
            return None
        (_, method, path, query, http_version, headers, body, body_length, status, response_headers, answer,
         answer_length, _) = self._kept[index]
        return Exchange(seq, method, path, query, http_version, list(headers), body, body_length,
                        status, list(response_headers), answer, answer_length)

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
        self.bytes = 0
