"""The request/response cycle of a request ``telemock serve`` runs at once (``httpguard``).

uvicorn's ``RequestResponseCycle`` with what a request read whole, run in the parser's callback,
does not need left out (an ``asyncio.Event`` per request; one is made only if the app waits for
a message), and one change on the wire: the answer's head is written with the first
part of its body, in one ``write``. uvicorn writes them apart, and each ``write`` is a ``send``
system call and a TCP segment of its own (~7 µs of the server's CPU a request on loopback;
docs/PERFORMANCE.md, "One cycle of our own for answers at once"). The bytes sent are uvicorn's:
the same status line, default headers (``date``, ``server``), header checks, ``connection:
close``, chunking and ``HEAD`` handling, the same errors for a malformed answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any, Callable

import uvicorn
from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE, STATUS_LINE

if TYPE_CHECKING:
    from uvicorn._types import HTTPScope

log = logging.getLogger("uvicorn.error")

SAME_AS_UVICORN = tuple(int(n) for n in re.findall(r"\d+", uvicorn.__version__)[:2]) >= (0, 53)
"""The installed uvicorn writes what this cycle writes: 0.53 is the first to say ``connection:
close`` on an answer to HTTP/1.0 (tests/test_at_once.py compares the bytes). With an older one
every request keeps uvicorn's own cycle."""

HEADS_KEPT = 256
"""Answer heads remembered (all are forgotten when there are more)."""
_HEADS: dict[tuple[Any, ...], tuple[bytes, bool | None, int, bool]] = {}


class _Flag:
    """``asyncio.Event``'s ``set``/``clear``/``wait``, the event made only when something waits."""

    __slots__ = ("is_set", "event")

    def __init__(self) -> None:
        self.is_set = False
        self.event: asyncio.Event | None = None

    def set(self) -> None:
        self.is_set = True
        if self.event is not None:
            self.event.set()

    def clear(self) -> None:
        self.is_set = False
        if self.event is not None:
            self.event.clear()

    async def wait(self) -> None:
        if self.is_set:
            return
        if self.event is None:
            self.event = asyncio.Event()
        await self.event.wait()


class AtOnceCycle:
    """One request and its answer. The protocol reads and sets what it does on uvicorn's cycle:
    ``response_complete``, ``disconnected``, ``keep_alive``, ``more_body``, ``body`` and
    ``message_event``."""

    __slots__ = ("scope", "transport", "flow", "default_headers", "message_event", "on_response",
                 "disconnected", "keep_alive", "body", "more_body", "response_started",
                 "response_complete", "chunked_encoding", "expected_content_length", "head")

    def __init__(self, scope: HTTPScope, transport: Any, flow: Any,
                 default_headers: list[tuple[bytes, bytes]], keep_alive: bool,
                 on_response: Callable[[], None]) -> None:
        self.scope = scope
        self.transport = transport
        self.flow = flow
        self.default_headers = default_headers
        self.message_event = _Flag()
        self.on_response = on_response
        self.disconnected = False
        self.keep_alive = keep_alive
        self.body = b""
        self.more_body = True
        self.response_started = False
        self.response_complete = False
        self.chunked_encoding: bool | None = None
        self.expected_content_length = 0
        self.head = b""
        """The answer's head, until the first body message goes out with it."""

    async def run_asgi(self, app: Any) -> None:
        try:
            result = await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            log.error("Exception in ASGI application\n", exc_info=exc)
            if not self.response_started:
                await self._send_500()
            else:
                self.transport.close()
        else:
            if result is not None:
                log.error("ASGI callable should return None, but returned '%s'.", result)
                self.transport.close()
            elif not self.response_started and not self.disconnected:
                log.error("ASGI callable returned without starting response.")
                await self._send_500()
            elif not self.response_complete and not self.disconnected:
                log.error("ASGI callable returned without completing response.")
                self.transport.close()
        finally:
            self.on_response = _nothing

    async def _send_500(self) -> None:
        await self.send({"type": "http.response.start", "status": 500,
                         "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                     (b"content-length", b"21"), (b"connection", b"close")]})
        await self.send({"type": "http.response.body", "body": b"Internal Server Error", "more_body": False})

    async def send(self, message: Any) -> None:
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        if not self.response_started:
            if message["type"] != "http.response.start":
                raise RuntimeError(f"Expected ASGI message 'http.response.start', but got '{message['type']}'.")
            self.response_started = True
            self.head = self._head(message["status"], message.get("headers", ()))
        elif not self.response_complete:
            if message["type"] != "http.response.body":
                raise RuntimeError(f"Expected ASGI message 'http.response.body', but got '{message['type']}'.")
            self._body(message.get("body", b""), message.get("more_body", False))
        else:
            raise RuntimeError(f"Unexpected ASGI message '{message['type']}' sent, after response already completed.")

    def _head(self, status: int, headers: Any) -> bytes:
        """uvicorn's answer head, remembered by what decides it: an app answers with the same
        few heads, and checking and lower-casing every header was ~13 % of a read's
        instructions (the default headers are in the key: ``date`` changes every second, and
        each port's server has its own)."""
        if type(headers) is not list:  # any iterable of pairs: read once, here
            headers = list(headers)
        key = (status, self.keep_alive, self.scope["method"] == "HEAD", *self.default_headers, *headers)
        remembered = True
        try:
            known = _HEADS.get(key)
        except TypeError:  # a header as a list (ASGI allows any pair): not remembered
            known, remembered = None, False
        if known is None:
            known = self._new_head(status, headers)
            if remembered:
                if len(_HEADS) >= HEADS_KEPT:
                    _HEADS.clear()
                _HEADS[key] = known
        head, self.chunked_encoding, self.expected_content_length, self.keep_alive = known
        return head

    def _new_head(self, status: int, headers: Any) -> tuple[bytes, bool | None, int, bool]:
        chunked: bool | None = None
        expected = 0
        keep_alive = self.keep_alive
        content = [STATUS_LINE[status]]
        has_connection_close = False
        for name, value in (*self.default_headers, *headers):
            if HEADER_RE.search(name):
                raise RuntimeError("Invalid HTTP header name.")
            if HEADER_VALUE_RE.search(value):
                raise RuntimeError("Invalid HTTP header value.")
            name = name.lower()
            if name == b"content-length" and chunked is None:
                expected = int(value.decode())
                chunked = False
            elif name == b"transfer-encoding" and value.lower() == b"chunked":
                expected = 0
                chunked = True
            elif name == b"connection":
                if b"close" in [token.lower().strip() for token in value.split(b",")]:
                    keep_alive = False
                    has_connection_close = True
            content.extend((name, b": ", value, b"\r\n"))
        if not keep_alive and not has_connection_close:
            content.append(b"connection: close\r\n")
        if chunked is None and self.scope["method"] != "HEAD" and status not in (204, 304):
            chunked = True
            content.append(b"transfer-encoding: chunked\r\n")
        content.append(b"\r\n")
        return b"".join(content), chunked, expected, keep_alive

    def _body(self, body: bytes, more_body: bool) -> None:
        out, self.head = self.head, b""
        if self.scope["method"] == "HEAD":
            self.expected_content_length = 0
        elif self.chunked_encoding:
            if body:
                out += b"%x\r\n" % len(body) + body + b"\r\n"
            if not more_body:
                out += b"0\r\n\r\n"
        else:
            if len(body) > self.expected_content_length:
                raise RuntimeError("Response content longer than Content-Length")
            self.expected_content_length -= len(body)
            out += body
        if out:
            self.transport.write(out)
        if not more_body:
            if self.expected_content_length != 0:
                raise RuntimeError("Response content shorter than Content-Length")
            self.response_complete = True
            self.message_event.set()
            if not self.keep_alive:
                self.transport.close()
            self.on_response()

    async def receive(self) -> Any:
        if not self.disconnected and not self.response_complete:
            self.flow.resume_reading()
            await self.message_event.wait()
            self.message_event.clear()
        if self.disconnected or self.response_complete:
            return {"type": "http.disconnect"}
        message = {"type": "http.request", "body": bytes(self.body), "more_body": self.more_body}
        self.body = b""
        return message


def _nothing() -> None:
    pass
